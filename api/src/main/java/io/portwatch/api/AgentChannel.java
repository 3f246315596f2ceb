package io.portwatch.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The way to the agent: one class it defines in the bootstrap class loader,
 * {@code io.portwatch.bootstrap.Recordings}, found by name through that loader. Every class
 * loader delegates to it, so whichever loader loaded this library (a test framework's, an IDE's,
 * an isolated one) finds the same single copy, and neither side needs the other's classes: the
 * calls take and return JDK types only (protocol 2):
 * <ul>
 *   <li>{@code static long open()}: a new scope's id; -1 when the agent has not started
 *       recording (it failed, or is still starting); -2 when too many scopes are open;</li>
 *   <li>{@code static Object[] close(long scope, long timeoutMillis)}: null for an unknown scope,
 *       else {@code {long[] status, Map<String, long[]> counts, Map<String, Map<String, Long>> callSites,
 *       Map<String, String[]> destinations}}: status is {pending events, dropped events, untracked
 *       connections, overlapping scopes, nanoseconds waited, nanoseconds recorded}; the three maps
 *       share their keys, one per destination: counts are {connects, failed connects, local, peer,
 *       reset, unknown closes}, call sites count connects, destinations are {host:port as the
 *       application named it, address:port it connected to}.</li>
 * </ul>
 */
final class AgentChannel {

    static final String CLASS_NAME = "io.portwatch.bootstrap.Recordings";
    static final int PROTOCOL = 2;

    private static volatile AgentChannel found;

    private final MethodHandle open;
    private final MethodHandle close;

    private AgentChannel(MethodHandle open, MethodHandle close) {
        this.open = open;
        this.close = close;
    }

    /** The channel, or throws saying why there is none. Presence is remembered, absence is not: an agent may attach later. */
    static AgentChannel find() {
        AgentChannel c = found;
        if (c != null) {
            return c;
        }
        Class<?> recordings;
        try {
            recordings = Class.forName(CLASS_NAME, false, null); // the bootstrap loader, and only it
        } catch (ClassNotFoundException e) {
            throw new AgentNotAttachedException(null);
        }
        try {
            int protocol = recordings.getField("PROTOCOL").getInt(null);
            if (protocol != PROTOCOL) {
                throw new IllegalStateException("the portwatch agent in this JVM speaks recording protocol " + protocol
                        + ", this portwatch-api " + PROTOCOL + ": use the same portwatch version for both");
            }
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            c = new AgentChannel(
                    lookup.findStatic(recordings, "open", MethodType.methodType(long.class)),
                    lookup.findStatic(recordings, "close", MethodType.methodType(Object[].class, long.class, long.class)));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the portwatch agent in this JVM does not offer recordings as this"
                    + " portwatch-api expects (" + e + "): use the same portwatch version for both", e);
        }
        found = c;
        return c;
    }

    static boolean present() {
        try {
            find();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    long open() {
        long id;
        try {
            id = (long) open.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("the portwatch agent could not open a recording: " + t, t);
        }
        if (id == -1) {
            throw new AgentNotAttachedException("its recorder is not running: see its [portwatch] lines on stderr");
        }
        if (id < 0) {
            throw new IllegalStateException("too many portwatch recordings are open at once: stop the ones you started");
        }
        return id;
    }

    /** Ends the scope and reads it; null when it was already closed. */
    ConnectionReport close(long id, Duration timeout) {
        Object[] wire;
        try {
            wire = (Object[]) close.invokeExact(id, Math.max(0, timeout.toMillis()));
        } catch (Throwable t) {
            throw new IllegalStateException("the portwatch agent could not close a recording: " + t, t);
        }
        return wire == null ? null : report(wire, timeout);
    }

    @SuppressWarnings("unchecked")
    static ConnectionReport report(Object[] wire, Duration timeout) {
        long[] status = (long[]) wire[0];
        Map<String, long[]> counts = (Map<String, long[]>) wire[1];
        Map<String, Map<String, Long>> sites = (Map<String, Map<String, Long>>) wire[2];
        Map<String, String[]> names = (Map<String, String[]>) wire[3];
        List<DestinationTotals> destinations = new ArrayList<>();
        for (Map.Entry<String, long[]> e : counts.entrySet()) {
            long[] c = e.getValue();
            Map<String, Long> s = sites.get(e.getKey());
            String[] name = names.get(e.getKey());
            destinations.add(new DestinationTotals(name == null ? e.getKey() : name[0], name == null ? null : name[1],
                    c[0], c[1], c[2], c[3], c[4], c[5], s == null ? Collections.<String, Long>emptyMap() : s));
        }
        List<String> problems = new ArrayList<>();
        if (status[0] > 0) {
            problems.add(status[0] + " events were still waiting for the agent's tracker when the wait of "
                    + timeout.toMillis() + " ms ran out");
        }
        if (status[1] > 0) {
            problems.add(status[1] + " events were dropped by the agent (its buffer was full: raise buffer.size)");
        }
        if (status[2] > 0) {
            problems.add(status[2] + " connections were not tracked (max.open reached)");
        }
        if (status[3] > 0) {
            problems.add(status[3] + " other recording(s) were open at the same time, and counts are JVM-wide:"
                    + " they include the other's connections (run budgeted tests one at a time)");
        }
        return new ConnectionReport(destinations, problems, (int) status[3], Duration.ofNanos(status[5]));
    }
}
