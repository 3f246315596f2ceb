package io.portwatch.otel;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Wraps the configured span exporter to say when exporting fails: the first failure at once, then
 * at most one line every few minutes with the count since, and one line when it works again. A
 * collector that is down costs the application a few stderr lines, not one per batch.
 */
final class ReportingSpanExporter implements SpanExporter {

    private static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final SpanExporter delegate;
    private final Consumer<String> problems;
    private final SpanLosses losses;
    private final AtomicLong failedSinceReport = new AtomicLong();
    private volatile long lastReportNanos;

    ReportingSpanExporter(SpanExporter delegate, Consumer<String> problems, SpanLosses losses) {
        this.delegate = delegate;
        this.problems = problems;
        this.losses = losses;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        int n = spans.size();
        losses.exported(n);
        CompletableResultCode result = delegate.export(spans);
        result.whenComplete(() -> {
            boolean wasFailing = losses.lastExportFailed();
            if (result.isSuccess()) {
                losses.delivered(n);
                if (wasFailing) problems.accept("exporting spans works again");
                return;
            }
            losses.failed();
            long failed = failedSinceReport.addAndGet(n);
            long now = System.nanoTime();
            if (!wasFailing || now - lastReportNanos > QUIET_NANOS) {
                Throwable why = result.getFailureThrowable();
                problems.accept("cannot export spans (" + failed + " not exported since the last report): "
                        + (why == null ? "the exporter reported a failure" : why.getMessage()));
                failedSinceReport.set(0);
                lastReportNanos = now;
            }
        });
        return result;
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }
}
