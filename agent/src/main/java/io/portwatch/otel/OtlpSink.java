package io.portwatch.otel;

import io.portwatch.export.ExportLoop;
import io.portwatch.otlp.OtlpEncoder;
import io.portwatch.otlp.OtlpHttpSender;
import io.portwatch.otlp.OtlpLog;
import io.portwatch.otlp.OtlpMetric;
import io.portwatch.otlp.OtlpSpan;

import java.util.List;

/**
 * One signal's batches to the collector: encoded as OTLP protobuf ({@link OtlpEncoder}) and posted
 * ({@link OtlpHttpSender}, which retries) on the export loop's thread. A batch that does not get
 * through throws, with the sender's one-line detail, for the loop to count and say now and then.
 */
final class OtlpSink<T> implements ExportLoop.Sink<T> {

    private enum Signal { SPANS, METRICS, LOG_RECORDS }

    private final Signal signal;
    private final OtlpEncoder encoder;
    private final OtlpHttpSender sender;

    private OtlpSink(Signal signal, OtlpEncoder encoder, OtlpHttpSender sender) {
        this.signal = signal;
        this.encoder = encoder;
        this.sender = sender;
    }

    static OtlpSink<OtlpSpan> spans(OtlpEncoder encoder, OtlpHttpSender sender) {
        return new OtlpSink<>(Signal.SPANS, encoder, sender);
    }

    static OtlpSink<OtlpMetric> metrics(OtlpEncoder encoder, OtlpHttpSender sender) {
        return new OtlpSink<>(Signal.METRICS, encoder, sender);
    }

    static OtlpSink<OtlpLog> logs(OtlpEncoder encoder, OtlpHttpSender sender) {
        return new OtlpSink<>(Signal.LOG_RECORDS, encoder, sender);
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean export(List<T> batch) {
        if (batch.isEmpty()) return true;
        byte[] body;
        switch (signal) {
            case SPANS:
                body = encoder.traces((List<OtlpSpan>) batch);
                break;
            case METRICS:
                body = encoder.metrics((List<OtlpMetric>) batch);
                break;
            default:
                body = encoder.logs((List<OtlpLog>) batch);
        }
        OtlpHttpSender.Outcome outcome = sender.post(body);
        // The export loop says it, with this detail, now and then (SignalExport).
        if (!outcome.delivered) throw new IllegalStateException(outcome.detail);
        return true;
    }
}
