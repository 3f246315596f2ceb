package io.portwatch.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BudgetVerdictTest {

    private static Map<String, Long> sites(Object... siteAndCount) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < siteAndCount.length; i += 2) {
            m.put((String) siteAndCount[i], ((Number) siteAndCount[i + 1]).longValue());
        }
        return m;
    }

    private static final DestinationTotals DB = new DestinationTotals("10.0.0.5:3306", 40, 0, 30, 10, 0, 0,
            sites("com.acme.Writer.write(Writer.java:42)", 36, "com.acme.Audit.log(Audit.java:7)", 4));
    private static final DestinationTotals CACHE = new DestinationTotals("10.0.0.6:6379", 500, 2, 0, 0, 500, 0, sites());

    private static ConnectionReport report(List<String> problems) {
        return new ConnectionReport(List.of(DB, CACHE), problems, 0, Duration.ofSeconds(1));
    }

    @Test
    void overBudgetNamesDestinationCountsCloserShareAndTopCallSites() {
        BudgetVerdict v = new Budget(DestinationPattern.parse("*:3306"), 10, 10).check(report(List.of()));
        assertFalse(v.passed());
        assertTrue(v.exceeded());
        assertEquals("connection budget exceeded for *:3306: 40 physical connects (budget 10), 30 local closes (budget 10)\n"
                + "  10.0.0.5:3306: 40 physical connects, 0 failed; 40 closes: local 30 (75%), peer 10, reset 0, unknown 0\n"
                + "    top call sites: 36 at com.acme.Writer.write(Writer.java:42)\n"
                + "                    4 at com.acme.Audit.log(Audit.java:7)\n"
                + "  each physical connect costs a TCP handshake (and a TLS one); each local close keeps a port in TIME_WAIT"
                + " on this host for 60 s: reuse connections (a pool) rather than open one per unit of work", v.message());
    }

    @Test
    void otherDestinationsDoNotCount() {
        BudgetVerdict v = Budget.physicalConnects("*:3306", 40).check(report(List.of()));
        assertTrue(v.passed(), v::message);
        assertEquals("within the connection budget for *:3306: 40 physical connects (budget 40)", v.message());
        assertFalse(Budget.physicalConnects("*", 40).check(report(List.of())).passed(), "540 everywhere");
    }

    @Test
    void incompleteCountsNeverPass() {
        BudgetVerdict v = Budget.localCloses("*:3306", 100).check(report(List.of("3 events were dropped")));
        assertFalse(v.passed());
        assertFalse(v.exceeded());
        assertTrue(v.message().startsWith("connection budget for *:3306 cannot be confirmed, the counts are incomplete"
                + " (so far: 30 local closes (budget 100))\n  incomplete: 3 events were dropped"), v.message());
    }

    @Test
    void aDestinationNeverSeenIsWithinAnyBudgetAndTheVerdictSaysItMatchedNothing() {
        BudgetVerdict v = Budget.physicalConnects("*:5432", 0).check(report(List.of()));
        assertTrue(v.passed(), v::message);
        assertTrue(v.matchedNothing());
        assertEquals("within the connection budget for *:5432: 0 physical connects (budget 0);"
                + " no connection matched it (seen: 10.0.0.6:6379, 10.0.0.5:3306)", v.message());
        BudgetVerdict empty = Budget.physicalConnects("*:5432", 0)
                .check(new ConnectionReport(List.of(), List.of(), 0, Duration.ZERO));
        assertEquals("within the connection budget for *:5432: 0 physical connects (budget 0);"
                + " no connection matched it (no connection was seen)", empty.message());
    }

    @Test
    void matchingNothingFailsWhenTheBudgetSaysSo() {
        BudgetVerdict v = Budget.physicalConnects("*:5432", 10).withFailIfNoneMatched(true).check(report(List.of()));
        assertFalse(v.passed());
        assertFalse(v.exceeded());
        assertTrue(v.matchedNothing());
        assertEquals("connection budget for *:5432 matched no connection (seen: 10.0.0.6:6379, 10.0.0.5:3306),"
                + " and the budget fails when none matched (failIfNoneMatched)", v.message());
        assertTrue(Budget.physicalConnects("*:3306", 40).withFailIfNoneMatched(true).check(report(List.of())).passed());
    }

    @Test
    void aPatternThatMissesConnectionsToItsPortFailsSayingHowToWriteIt() {
        DestinationTotals byAddress = new DestinationTotals("127.0.0.1:5432", 50, 0, 50, 0, 0, 0,
                sites("com.acme.Writer.write(Writer.java:42)", 50));
        ConnectionReport r = new ConnectionReport(List.of(byAddress, CACHE), List.of(), 0, Duration.ofSeconds(1));
        BudgetVerdict v = new Budget(DestinationPattern.parse("localhost:5432"), 100, 100).check(r);
        assertFalse(v.passed());
        assertFalse(v.exceeded());
        assertTrue(v.matchedNothing());
        assertEquals("connection budget for localhost:5432 matched no connection, but connections to 127.0.0.1:5432 were seen\n"
                + "  127.0.0.1:5432: 50 physical connects, 0 failed; 50 closes: local 50 (100%), peer 0, reset 0, unknown 0\n"
                + "    top call sites: 50 at com.acme.Writer.write(Writer.java:42)\n"
                + "  a destination pattern matches the host as the application named it (the name or address given to the"
                + " socket, the host of a JDBC URL) or the address it connected to, and never resolves a name:"
                + " write \"127.0.0.1:5432\", or \"*:5432\" for any host on that port", v.message());
        assertEquals("connection budget for localhost:5432 matched no connection, but connections to 127.0.0.1:5432 were seen",
                v.summary());
    }

    @Test
    void aPatternOnTheRightHostButAnotherPortPassesSayingWhatWasSeen() {
        DestinationTotals named = new DestinationTotals("db:5432", "10.0.0.7:5432", 2, 0, 2, 0, 0, 0, sites());
        ConnectionReport r = new ConnectionReport(List.of(named), List.of(), 0, Duration.ofSeconds(1));
        BudgetVerdict byName = Budget.physicalConnects("db:5433", 5).check(r);
        assertTrue(byName.passed() && byName.matchedNothing(), byName::message);
        assertTrue(byName.message().endsWith("no connection matched it (seen: db:5432)"), byName.message());
        assertTrue(Budget.physicalConnects("10.0.0.7:5433", 5).check(r).passed(), "the same host by address");
        BudgetVerdict byAddress = Budget.physicalConnects("10.0.0.7:5432", 5).check(r);
        assertTrue(byAddress.passed() && !byAddress.matchedNothing(), byAddress::message);
    }
}
