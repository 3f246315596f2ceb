package io.portwatch.otel;

import io.portwatch.otlp.OtlpSpan;
import io.portwatch.clients.ChurnPattern;
import io.portwatch.clients.ClientLibrary;
import io.portwatch.track.Closer;
import io.portwatch.track.TestRecords;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code portwatch.client.library} and {@code portwatch.churn.pattern} on the spans of a call site. */
class LibrarySpanAttributesTest {

    private final TestSpans out = new TestSpans();
    private final ConnectionSpans spans = new ConnectionSpans(out.output, new SpanPolicy(SpanPolicy.Mode.ALL));

    private static String library(OtlpSpan s) {
        return (String) s.attributes.get("portwatch.client.library");
    }

    private static String pattern(OtlpSpan s) {
        return (String) s.attributes.get("portwatch.churn.pattern");
    }

    @Test
    void aCallSitesPatternIsSaidOnceItsConnectionsAreChurn() {
        for (int i = 0; i < ChurnPattern.CHURN_CONNECTIONS; i++) {
            spans.ended(TestRecords.outgoingThrough(ClientLibrary.OKHTTP, false, "com.example.Fetch.get", 443,
                    Closer.LOCAL, 1_000_000_000L + i));
        }
        OtlpSpan first = out.ended().get(0);
        OtlpSpan last = out.ended().get(out.ended().size() - 1);
        assertEquals("okhttp", library(first));
        assertEquals("none", pattern(first), "one connection is no churn");
        assertEquals("okhttp", library(last));
        assertEquals("client_per_request", pattern(last));
        assertEquals("com.example.Fetch.get(Work.java:12)", (String) last.attributes.get("portwatch.call_site"));
    }

    /** grpc-java's channel shutdown: this side closes, and most closes go out as resets (unread data). */
    @Test
    void closesThatEndInAResetStillCountAsThisSides() {
        for (int i = 0; i < ChurnPattern.CHURN_CONNECTIONS; i++) {
            spans.ended(TestRecords.outgoingThrough(ClientLibrary.GRPC_JAVA, false, "com.example.Rpc.call", 50051,
                    i % 3 == 0 ? Closer.LOCAL : Closer.RESET, 1_000_000_000L + i));
        }
        assertEquals("client_per_request", pattern(out.ended().get(out.ended().size() - 1)));
    }

    @Test
    void aLoopOfPlainSocketsIsSaidAPollingLoopWithNoLibrary() {
        for (int i = 0; i < ChurnPattern.CHURN_CONNECTIONS; i++) {
            long start = 1_000_000_000L + i * 10_000_000L;
            spans.ended(TestRecords.outgoingThrough(null, false, "com.example.Poll.tick", 9000, Closer.LOCAL,
                    start, start + 4_000_000L));
        }
        OtlpSpan last = out.ended().get(out.ended().size() - 1);
        assertNull(library(last));
        assertEquals("polling_loop", pattern(last));
        assertEquals("none", pattern(out.ended().get(out.ended().size() - 2)));
    }

    @Test
    void aLibrarysOwnThreadNamesTheLibraryButNoCode() {
        spans.ended(TestRecords.outgoingThrough(ClientLibrary.JDK_HTTP_CLIENT, false, null, 8080, Closer.LOCAL, 5));
        OtlpSpan s = out.ended().get(0);
        assertEquals("jdk-httpclient", library(s));
        assertNull((String) s.attributes.get("portwatch.call_site"), "no line of code to name");
        assertNull((String) s.attributes.get("code.function.name"));
    }

    @Test
    void noLibraryNoLibraryAttribute() {
        spans.ended(TestRecords.outgoing("com.example.Raw.send", 3, 9000, Closer.PEER, null, 5));
        OtlpSpan s = out.ended().get(0);
        assertNull(library(s));
        assertEquals("none", pattern(s));
    }
}
