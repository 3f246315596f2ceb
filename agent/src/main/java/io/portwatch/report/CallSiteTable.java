package io.portwatch.report;

import io.portwatch.clients.ChurnPattern;
import io.portwatch.clients.ClientLibrary;
import io.portwatch.clients.ConnectionOverlap;
import io.portwatch.kernel.IpAddress;
import io.portwatch.track.Closer;
import io.portwatch.track.ConnectionRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Outgoing physical connections by the application line that opened them: how many, how many a
 * JDBC pool opened, who closed them first, how many left a TIME_WAIT here. At most
 * {@link #MAX_ROWS} call sites; connections from further ones are added up in one
 * "(other call sites)" row, so a generated-code storm cannot grow it. Not thread-safe:
 * {@link RunHistory} guards it.
 */
final class CallSiteTable {

    static final int MAX_ROWS = 200;
    static final String OTHERS = "(other call sites)";
    static final String UNKNOWN = "(call site not recorded)";
    /** The connections no instrumentation reported, counted from the kernel's tables: they have no call site. */
    static final String UNINSTRUMENTED = "(not instrumented: seen in the kernel's tables)";

    /** One call site's figures. Mutable while recording; {@link #copy()} for a snapshot. */
    static final class Row {
        final String callSite;
        /** The destination it connected to first, {@code host:port}. */
        String destination;
        long connections;
        /** Opened by a JDBC connection pool; the rest were opened directly. */
        long pooled;
        long failed;
        /** Confirmed by the kernel's tables to have left a TIME_WAIT on this host. */
        long timeWaitHere;
        final long[] byCloser = new long[Closer.values().length];
        /** Ended by this side: its FIN first, or its close sent as a reset ({@link ConnectionRecord#closedHereFirst}). */
        long closedHereFirst;
        /** The client library under the call site, as its first connection's walk found it; null: none known. */
        ClientLibrary library;
        /** A pool's frames were on the stack of its first connection's walk. */
        boolean poolOnStack;
        /** Whether any two of its ended connections were open at once; a row of several call sites never one at a time. */
        ConnectionOverlap overlap = new ConnectionOverlap();

        Row(String callSite) {
            this.callSite = callSite;
        }

        long closedBy(Closer c) {
            return byCloser[c.ordinal()];
        }

        /** Share of the ended (not failed) connections that {@code c} closed first, 0 to 1. */
        double share(Closer c) {
            long ended = connections - failed;
            return ended <= 0 ? 0 : (double) closedBy(c) / ended;
        }

        long direct() {
            return connections - pooled;
        }

        /** Why it churns, as far as its figures tell ({@link ChurnPattern}). */
        ChurnPattern pattern() {
            return ChurnPattern.of(library, poolOnStack || pooled * 2 > connections, connections - failed,
                    closedHereFirst, closedBy(Closer.PEER), overlap.oneAtATime());
        }

        Row copy() {
            Row r = new Row(callSite);
            r.destination = destination;
            r.connections = connections;
            r.pooled = pooled;
            r.failed = failed;
            r.timeWaitHere = timeWaitHere;
            r.closedHereFirst = closedHereFirst;
            r.library = library;
            r.poolOnStack = poolOnStack;
            r.overlap = overlap.copy();
            System.arraycopy(byCloser, 0, r.byCloser, 0, byCloser.length);
            return r;
        }
    }

    private final Map<String, Row> rows = new HashMap<>();

    void ended(ConnectionRecord r) {
        String site = r.callSite != null ? r.callSite.toString() : r.instrumented() ? UNKNOWN : UNINSTRUMENTED;
        Row row = rows.get(site);
        if (row == null) {
            row = rows.computeIfAbsent(rows.size() < MAX_ROWS ? site : OTHERS, Row::new);
        }
        boolean oneCallSite = r.callSite != null && row.callSite.equals(site); // not the others' row
        if (row.connections == 0 && oneCallSite) {
            row.library = r.callSite.library;
            row.poolOnStack = r.callSite.poolOnStack;
        }
        row.connections++;
        if (row.destination == null && r.peerAddress() != null) {
            row.destination = destination(r);
        }
        if (r.jdbc() != null && r.jdbc().pool() != null) row.pooled++;
        if (r.failed()) {
            row.failed++;
            return;
        }
        row.byCloser[r.closer().ordinal()]++;
        if (r.closedHereFirst()) row.closedHereFirst++;
        if (oneCallSite) row.overlap.ended(r.startNanos, r.endNanos());
        else row.overlap.notOneCallSite();
        if (Boolean.TRUE.equals(r.timeWait())) row.timeWaitHere++;
    }

    /** Copies of all rows, most connections first. */
    List<Row> snapshot() {
        List<Row> out = new ArrayList<>(rows.size());
        for (Row r : rows.values()) out.add(r.copy());
        out.sort((a, b) -> Long.compare(b.connections, a.connections));
        return out;
    }

    int size() {
        return rows.size();
    }

    /**
     * The destination by its address, as the port budgets name it, then the name the application
     * asked for when it differs: {@code 127.0.0.1:3306 (localhost)}, so that one destination reads
     * alike in every table.
     */
    static String destination(ConnectionRecord r) {
        String address = r.peerAddress().getHostAddress();
        String byAddress = IpAddress.hostPort(address, r.peerPort());
        String serverName = r.serverName();
        return serverName == null || serverName.equals(address) ? byAddress : byAddress + " (" + serverName + ")";
    }
}
