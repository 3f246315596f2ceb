package io.portwatch.track;

import io.portwatch.bootstrap.NettyListener;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CancellationException;

/**
 * The application-thread half for Netty's native epoll and io_uring transports: what their advice
 * reports becomes the same events as a JDK socket's, on the same ring, for the TCP channels alone
 * ({@link NettyChannels}). Netty's event loops are the application's threads here: no locks, no
 * I/O; reading a channel's endpoints returns the addresses it cached.
 *
 * <p>A connect is made on the channel's event loop, whose stack has no application frame. The call
 * site is walked where the application asked for the connection instead, in
 * {@code Bootstrap.init(channel)} on the thread that called {@code Bootstrap.connect}, and published
 * as a {@link EventKind#CONNECT_REQUESTED} that the connect event finds on the tracker
 * ({@link ConnectRequests}). Those walks are bounded per thread and {@code Bootstrap}, as a
 * socket's are per thread and destination (the destination is not known yet there). A channel
 * connected without a {@code Bootstrap} (Reactor Netty's connector registers and connects its
 * channels itself) is walked where it connects, on the event loop, bounded like a socket's: that
 * walk finds the library whose frames called the connect, but no application frame.
 */
public final class NettyEvents implements NettyListener {

    private final ConnectionEvents events;
    private final EventRing ring;
    private final CallSites callSites;
    /**
     * The channels {@link #connectRequested} saw, by identity hash: their connect leaves the call
     * site to that request and walks nothing. A slot taken over by another channel in between
     * costs one walk more, never a wrong call site (the tracker prefers the request's). At most
     * {@link #REQUESTED_SLOTS} channels held; a slot is emptied when its channel connects.
     */
    private final Object[] requested = new Object[REQUESTED_SLOTS];
    private static final int REQUESTED_SLOTS = 64;

    public NettyEvents(ConnectionEvents events) {
        this.events = events;
        this.ring = events.ring();
        this.callSites = events.callSites();
    }

    @Override
    public void connectRequested(Object bootstrap, Object channel) {
        NettyChannels.Kind kind = NettyChannels.of(channel);
        if (!kind.isTcp() || AgentThreads.isCurrent()) {
            return;
        }
        requested[slot(channel)] = channel;
        long now = System.nanoTime();
        StackWalker.StackFrame site = callSites.capture(bootstrap, now);
        if (site != null) {
            events.publish(EventKind.CONNECT_REQUESTED, channel, null, now, now, null, null, 0, null, 0, kind.api,
                    site, null);
        }
    }

    @Override
    public void connectReturned(Object channel, SocketAddress target, long startNanos, boolean connected,
                                Throwable error) {
        NettyChannels.Kind kind = NettyChannels.of(channel);
        if (!kind.isTcp() || !(target instanceof InetSocketAddress) || AgentThreads.isCurrent()) {
            return;
        }
        if (error != null && ConnectErrors.isNotAnAttempt(error)) {
            return;
        }
        StackWalker.StackFrame site = null;
        int slot = slot(channel);
        if (requested[slot] == channel) {
            requested[slot] = null;
        } else {
            site = callSites.capture(target, System.nanoTime());
        }
        if (error != null) {
            publish(EventKind.CONNECTED, channel, kind, target, startNanos, error, false, site);
        } else {
            publish(connected ? EventKind.CONNECTED : EventKind.CONNECT_PENDING, channel, kind, target, startNanos,
                    null, connected, site);
        }
    }

    private static int slot(Object channel) {
        return System.identityHashCode(channel) & (REQUESTED_SLOTS - 1);
    }

    /**
     * An io_uring connect never completes inside {@code connect}: submitted, it is pending. Its
     * promise failed there only when it never reached the network (a closed channel, a cancelled
     * promise, an unresolved or already connected address: as with epoll, nothing to record) or
     * when binding its local address failed (a failed connect, as epoll's {@code doConnect} says).
     */
    @Override
    public void connectSubmitted(Object channel, SocketAddress target, long startNanos, Object promise) {
        NettyChannels.Kind kind = NettyChannels.of(channel);
        if (!kind.isTcp()) {
            return;
        }
        Throwable failure = NettyChannels.failure(kind, promise);
        if (!(failure instanceof ClosedChannelException) && !(failure instanceof CancellationException)) {
            connectReturned(channel, target, startNanos, false, failure);
        }
    }

    @Override
    public void finishConnectReturned(Object channel, boolean connected, Throwable error) {
        NettyChannels.Kind kind = NettyChannels.of(channel);
        if ((!connected && error == null) || !kind.isTcp() || AgentThreads.isCurrent()) {
            return; // still pending
        }
        publish(EventKind.FINISHED_CONNECT, channel, kind, null, 0, error, error == null, null);
    }

    @Override
    public void accepted(Object channel) {
        NettyChannels.Kind kind = NettyChannels.of(channel);
        if (kind.isTcp() && !AgentThreads.isCurrent()) {
            publish(EventKind.ACCEPTED, channel, kind, null, 0, null, true, null);
        }
    }

    @Override
    public void readEnded(Object channel, int bytes, Throwable error) {
        if (error != null) {
            writeFailed(channel, error); // a failed read says the same as a failed write
        } else if (bytes < 0) {
            offer(EventKind.END_OF_STREAM, channel, false);
        }
    }

    @Override
    public void writeFailed(Object channel, Throwable error) {
        if (error != null && ConnectErrors.isReset(error)) {
            offer(EventKind.RESET, channel, false);
        }
    }

    @Override
    public void resetSeen(Object channel) {
        offer(EventKind.RESET, channel, false);
    }

    @Override
    public void outputShutdown(Object channel) {
        offer(EventKind.OUTPUT_SHUTDOWN, channel, false);
    }

    @Override
    public void soLingerSet(Object channel, int seconds) {
        offer(EventKind.LINGER, channel, seconds == 0);
    }

    @Override
    public void closed(Object channel) {
        offer(EventKind.CLOSED, channel, false);
    }

    private void offer(EventKind kind, Object channel, boolean flag) {
        if (NettyChannels.of(channel).isTcp() && !AgentThreads.isCurrent()) {
            ring.offer(kind, channel, flag);
        }
    }

    /**
     * A connect, finished connect or accept of a TCP channel of {@code type}; with its endpoints read
     * when asked, and {@code site}, the call site walked at the connect itself, or null.
     */
    private void publish(EventKind kind, Object channel, NettyChannels.Kind type, SocketAddress target,
                         long startNanos, Throwable error, boolean endpoints, StackWalker.StackFrame site) {
        long now = System.nanoTime();
        InetSocketAddress local = null;
        InetSocketAddress remote = null;
        if (endpoints) {
            SocketAddress l = NettyChannels.address(type.localAddress, channel);
            SocketAddress r = NettyChannels.address(type.remoteAddress, channel);
            local = l instanceof InetSocketAddress ? (InetSocketAddress) l : null;
            remote = r instanceof InetSocketAddress ? (InetSocketAddress) r : null;
        }
        events.publish(kind, channel, target, startNanos, now, error,
                local == null ? null : local.getAddress(), local == null ? 0 : local.getPort(),
                remote == null ? null : remote.getAddress(), remote == null ? 0 : remote.getPort(),
                type.api, site, null);
    }
}
