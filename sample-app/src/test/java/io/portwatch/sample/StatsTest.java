package io.portwatch.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.BindException;
import java.sql.SQLException;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void groupsFailuresByRootCauseMostFrequentFirst() {
        Stats stats = new Stats();
        SQLException exhausted = new SQLException("Communications link failure\n\nThe last packet...",
                new BindException("Cannot assign requested address"));
        stats.recordFailure(exhausted);
        stats.recordFailure(exhausted);
        stats.recordFailure(new SQLException("Too many connections"));
        stats.recordOk();
        assertEquals(1, stats.ok());
        assertEquals(3, stats.failed());
        Map<String, Long> byMessage = stats.failuresByMessage();
        assertEquals("[BindException: Cannot assign requested address, SQLException: Too many connections]",
                byMessage.keySet().toString());
        assertEquals(2L, byMessage.get("BindException: Cannot assign requested address"));
    }

    @Test
    void distinctMessagesAreBounded() {
        Stats stats = new Stats();
        for (int i = 0; i < 1000; i++) {
            stats.recordFailure(new SQLException("failure number " + i));
        }
        Map<String, Long> byMessage = stats.failuresByMessage();
        assertEquals(Stats.MAX_DISTINCT_FAILURES + 1, byMessage.size());
        assertEquals(1000 - Stats.MAX_DISTINCT_FAILURES, byMessage.get(Stats.OTHER));
        assertEquals(1000, stats.failed());
    }

    @Test
    void rootMessageIsTheDeepestCauseFirstLine() {
        Exception e = new RuntimeException("wrapper", new SQLException("outer\nmore", new java.net.ConnectException(
                "Connection refused")));
        assertEquals("Connection refused", Failures.rootMessage(e));
        assertEquals("first", Failures.rootMessage(new SQLException("first\nsecond")));
    }
}
