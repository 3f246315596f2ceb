package io.portwatch.otel;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.portwatch.clients.ChurnPattern;
import io.portwatch.clients.ClientLibrary;
import io.portwatch.track.Closer;
import io.portwatch.track.TestRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code portwatch.client.library} and {@code portwatch.churn.pattern} on the spans of a call site. */
class LibrarySpanAttributesTest {

    private final List<SpanData> exported = Collections.synchronizedList(new ArrayList<>());
    private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(TestExporters.exporting(batch -> {
                exported.addAll(batch);
                return CompletableResultCode.ofSuccess();
            }))).build();
    private final ConnectionSpans spans = new ConnectionSpans(tracerProvider.get("test"),
            new SpanPolicy(SpanPolicy.Mode.ALL), () -> true);

    @AfterEach
    void tearDown() {
        tracerProvider.shutdown().join(5, TimeUnit.SECONDS);
    }

    private static String library(SpanData s) {
        return s.getAttributes().get(stringKey("portwatch.client.library"));
    }

    private static String pattern(SpanData s) {
        return s.getAttributes().get(stringKey("portwatch.churn.pattern"));
    }

    @Test
    void aCallSitesPatternIsSaidOnceItsConnectionsAreChurn() {
        for (int i = 0; i < ChurnPattern.CHURN_CONNECTIONS; i++) {
            spans.ended(TestRecords.outgoingThrough(ClientLibrary.OKHTTP, false, "com.example.Fetch.get", 443,
                    Closer.LOCAL, 1_000_000_000L + i));
        }
        SpanData first = exported.get(0);
        SpanData last = exported.get(exported.size() - 1);
        assertEquals("okhttp", library(first));
        assertEquals("none", pattern(first), "one connection is no churn");
        assertEquals("okhttp", library(last));
        assertEquals("client_per_request", pattern(last));
        assertEquals("com.example.Fetch.get(Work.java:12)", last.getAttributes().get(stringKey("portwatch.call_site")));
    }

    /** grpc-java's channel shutdown: this side closes, and most closes go out as resets (unread data). */
    @Test
    void closesThatEndInAResetStillCountAsThisSides() {
        for (int i = 0; i < ChurnPattern.CHURN_CONNECTIONS; i++) {
            spans.ended(TestRecords.outgoingThrough(ClientLibrary.GRPC_JAVA, false, "com.example.Rpc.call", 50051,
                    i % 3 == 0 ? Closer.LOCAL : Closer.RESET, 1_000_000_000L + i));
        }
        assertEquals("client_per_request", pattern(exported.get(exported.size() - 1)));
    }

    @Test
    void aLoopOfPlainSocketsIsSaidAPollingLoopWithNoLibrary() {
        for (int i = 0; i < ChurnPattern.CHURN_CONNECTIONS; i++) {
            long start = 1_000_000_000L + i * 10_000_000L;
            spans.ended(TestRecords.outgoingThrough(null, false, "com.example.Poll.tick", 9000, Closer.LOCAL,
                    start, start + 4_000_000L));
        }
        SpanData last = exported.get(exported.size() - 1);
        assertNull(library(last));
        assertEquals("polling_loop", pattern(last));
        assertEquals("none", pattern(exported.get(exported.size() - 2)));
    }

    @Test
    void aLibrarysOwnThreadNamesTheLibraryButNoCode() {
        spans.ended(TestRecords.outgoingThrough(ClientLibrary.JDK_HTTP_CLIENT, false, null, 8080, Closer.LOCAL, 5));
        SpanData s = exported.get(0);
        assertEquals("jdk-httpclient", library(s));
        assertNull(s.getAttributes().get(stringKey("portwatch.call_site")), "no line of code to name");
        assertNull(s.getAttributes().get(stringKey("code.function.name")));
    }

    @Test
    void noLibraryNoLibraryAttribute() {
        spans.ended(TestRecords.outgoing("com.example.Raw.send", 3, 9000, Closer.PEER, null, 5));
        SpanData s = exported.get(0);
        assertNull(library(s));
        assertEquals("none", pattern(s));
    }
}
