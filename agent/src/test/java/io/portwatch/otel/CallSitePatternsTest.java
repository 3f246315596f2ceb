package io.portwatch.otel;

import io.portwatch.clients.ChurnPattern;
import io.portwatch.clients.ClientLibrary;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionRecord;
import io.portwatch.track.TestRecords;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The span's {@code portwatch.churn.pattern} from a call site's tally: the polling loop's part. */
class CallSitePatternsTest {

    private static final long MS = 1_000_000;
    private static final int N = (int) ChurnPattern.CHURN_CONNECTIONS;

    private final CallSitePatterns patterns = new CallSitePatterns();

    /** Connection {@code i} of a loop: opened 10 ms apart, each open 4 ms. */
    private static ConnectionRecord inLoop(ClientLibrary library, String site, Closer closer, int i) {
        return TestRecords.outgoingThrough(library, false, site, 9000, closer, 1000 * MS + i * 10 * MS,
                1000 * MS + i * 10 * MS + 4 * MS);
    }

    /** Connection {@code i} of eight at once: opened 1 ms apart, each open 8 ms. */
    private static ConnectionRecord concurrent(String site, int i) {
        return TestRecords.outgoingThrough(null, false, site, 9000, Closer.LOCAL, 1000 * MS + i * MS,
                1000 * MS + i * MS + 8 * MS);
    }

    @Test
    void aLoopOfTheApplicationsOwnSocketsIsAPollingLoop() {
        ChurnPattern last = null;
        for (int i = 0; i < N; i++) {
            last = patterns.ended(inLoop(null, "com.example.Poll.tick", Closer.LOCAL, i));
            if (i == N - 2) assertEquals(ChurnPattern.NONE, last);
        }
        assertEquals(ChurnPattern.POLLING_LOOP, last);
    }

    @Test
    void theSameConnectionsOverlappingAreUnknownAsBefore() {
        ChurnPattern last = null;
        for (int i = 0; i < N; i++) last = patterns.ended(concurrent("com.example.Poll.fanOut", i));
        assertEquals(ChurnPattern.UNKNOWN, last);
    }

    /** One overlap anywhere ends the loop for good: two threads share the line. */
    @Test
    void oneOverlapIsEnough() {
        ChurnPattern last = null;
        for (int i = 0; i < N; i++) {
            ConnectionRecord r = i == 50
                    ? TestRecords.outgoingThrough(null, false, "com.example.Poll.once", 9000, Closer.LOCAL,
                            1000 * MS + 49 * 10 * MS + 2 * MS, 1000 * MS + 50 * 10 * MS + 4 * MS)
                    : inLoop(null, "com.example.Poll.once", Closer.LOCAL, i);
            last = patterns.ended(r);
        }
        assertEquals(ChurnPattern.UNKNOWN, last);
    }

    /** Records come about in end order: one held for the kernel's word can come after a later one. */
    @Test
    void aRecordThatComesLateIsNoOverlap() {
        ChurnPattern last = null;
        for (int i = 0; i < N; i += 2) {
            patterns.ended(inLoop(null, "com.example.Poll.late", Closer.LOCAL, i + 1));
            last = patterns.ended(inLoop(null, "com.example.Poll.late", Closer.LOCAL, i));
        }
        assertEquals(ChurnPattern.POLLING_LOOP, last);
    }

    @Test
    void failedConnectsNeitherCountNorOverlap() {
        ChurnPattern last = null;
        for (int i = 0; i < N; i++) {
            patterns.ended(TestRecords.outgoingThrough(null, false, "com.example.Poll.refused", 9000, null,
                    1000 * MS + i * 10 * MS, 1000 * MS + i * 10 * MS + 40 * MS));
            last = patterns.ended(inLoop(null, "com.example.Poll.refused", Closer.LOCAL, i));
        }
        assertEquals(ChurnPattern.POLLING_LOOP, last);
    }

    @Test
    void aKnownLibraryAndThePeerKeepTheirOwnPattern() {
        ChurnPattern driver = null;
        ChurnPattern peer = null;
        ChurnPattern http = null;
        for (int i = 0; i < N; i++) {
            driver = patterns.ended(inLoop(ClientLibrary.JDBC_DRIVER, "com.example.Poll.query", Closer.LOCAL, i));
            peer = patterns.ended(inLoop(null, "com.example.Poll.closedByServer", Closer.PEER, i));
            http = patterns.ended(inLoop(ClientLibrary.JDK_HTTP_CLIENT, "com.example.Poll.get", Closer.LOCAL, i));
        }
        assertEquals(ChurnPattern.NO_POOL, driver);
        assertEquals(ChurnPattern.PEER_CLOSES, peer);
        assertEquals(ChurnPattern.CLIENT_PER_REQUEST, http);
    }
}
