package io.portwatch.bootstrap;

/**
 * Where the portwatch-api library reaches the agent's recording scopes. It lives in the bootstrap
 * class loader with the other bridge classes, so a test finds it by name through that loader
 * whatever loader loaded the test, and neither side shares a class with the other: the calls take
 * and return JDK types only. The agent installs its implementation once it has started; until
 * then, and without the agent, {@link #open()} answers -1.
 *
 * <p>Protocol 2 (portwatch-api's {@code AgentChannel} reads it):
 * {@link #close} returns null for an unknown scope, else
 * {@code {long[] status, Map<String, long[]> counts, Map<String, Map<String, Long>> callSites,
 * Map<String, String[]> destinations}}:
 * status = {events still waiting when the wait ran out, events dropped, connections untracked,
 * other scopes open at the same time, nanoseconds waited, nanoseconds recorded}; counts, call sites
 * and destinations share their keys, one per destination (text, not to be parsed): counts =
 * {physical connects, failed connects, local, peer, reset and unknown closes}; call sites count
 * physical connects; destinations = {host:port as the application named it, address:port it
 * connected to}.
 */
public abstract class Recordings {

    /** Raised whenever the meaning of the calls or the arrays changes. */
    public static final int PROTOCOL = 2;

    private static volatile Recordings installed;

    protected Recordings() {}

    /** Called by the agent once it records. */
    public static void install(Recordings recordings) {
        installed = recordings;
    }

    /** A new scope's id; -1 when nothing is installed, -2 when too many scopes are open. */
    public static long open() {
        Recordings r = installed;
        return r == null ? -1 : r.openScope();
    }

    /** Ends a scope, waiting at most {@code timeoutMillis} for the tracker to catch up, and returns its counts. */
    public static Object[] close(long scope, long timeoutMillis) {
        Recordings r = installed;
        return r == null ? null : r.closeScope(scope, timeoutMillis);
    }

    protected abstract long openScope();

    protected abstract Object[] closeScope(long scope, long timeoutMillis);
}
