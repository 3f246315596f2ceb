package io.portwatch.track;

/**
 * Where the application asked for the connections that an event loop makes later: Netty's
 * {@code Bootstrap.connect} returns at once, and the channel connects on its event loop, whose
 * stack holds no application frame. The call site is walked on the asking thread
 * ({@link EventKind#CONNECT_REQUESTED}) and kept here, by channel, until the channel's connect
 * event takes it. The ring orders the two: the request is published before the connect is even
 * scheduled.
 *
 * <p>Held weakly, like the records: a channel that never connects (its name did not resolve) is
 * let go when it is collected. Tracker thread only.
 */
final class ConnectRequests {

    private final OpenConnections<StackWalker.StackFrame> sites;

    ConnectRequests(int limit) {
        this.sites = new OpenConnections<>(limit);
    }

    /** The application asked {@code channel} to connect from {@code site} (null: not walked). */
    void requested(Object channel, StackWalker.StackFrame site) {
        sites.expungeCollected();
        if (site != null) {
            sites.put(channel, site);
        }
    }

    /** The call site asked for {@code channel}'s connect, now taken, or null. */
    StackWalker.StackFrame take(Object channel) {
        return sites.size() == 0 ? null : sites.remove(channel);
    }
}
