package io.portwatch.track;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Netty listener without an agent: the test plays the advice, calling it the way the advice
 * in Netty's epoll and io_uring classes would, with real (unconnected) Netty channels of each kind.
 */
class NettyEventsTest {

    private final List<Channel> channels = new ArrayList<>();
    private final InetSocketAddress target = new InetSocketAddress("127.0.0.1", 9);
    private Tracker tracker;
    private NettyEvents netty;
    private TrackerFixture.Collecting sink;

    @BeforeEach
    void setUp() {
        assumeTrue(Epoll.isAvailable(), "Netty's epoll transport is not available here");
        tracker = new Tracker(1024, 100, new CallSites(true, 0, List.of()));
        netty = new NettyEvents(tracker.events());
        sink = new TrackerFixture.Collecting();
        tracker.sink(sink);
    }

    @AfterEach
    void tearDown() {
        for (Channel c : channels) c.unsafe().closeForcibly();
    }

    private <C extends Channel> C open(C channel) {
        channels.add(channel);
        return channel;
    }

    @Test
    void onlyTheEpollTcpChannelIsAConnection() {
        assertTrue(NettyChannels.of(open(new EpollSocketChannel())).isTcp());
        assertFalse(NettyChannels.of(open(new EpollDomainSocketChannel())).isTcp());
        assertFalse(NettyChannels.of(open(new NioSocketChannel())).isTcp(), "seen through SocketChannelImpl");
        assertFalse(NettyChannels.of(new Object()).isTcp());
    }

    @Test
    void anEventLoopConnectTakesTheCallSiteWhereTheApplicationAskedForIt() {
        EpollSocketChannel channel = open(new EpollSocketChannel());
        CallSitesTest.AppCode.call(() -> {
            netty.connectRequested(new Object(), channel);
            return null;
        });
        // Later, on the event loop (here, this thread: no application frame on it).
        netty.connectReturned(channel, target, System.nanoTime(), false, null);
        netty.finishConnectReturned(channel, false, null); // still pending: nothing
        netty.finishConnectReturned(channel, true, null);
        netty.closed(channel);
        tracker.drain();
        ConnectionRecord r = sink.onlyEnded();
        assertEquals(NettyChannels.EPOLL_API, r.api);
        assertNotNull(r.callSite, r::toString);
        assertEquals(CallSitesTest.AppCode.CLASS + ".get", r.callSite.function);
        assertEquals(Closer.LOCAL, r.closer());
        assertEquals(target.getPort(), r.peerPort, "the target's, where the channel has none to tell");
    }

    /** Reactor Netty's connector: no Bootstrap, so no request; the connect's own stack is walked. */
    @Test
    void aConnectNobodyRequestedIsWalkedWhereItConnects() {
        EpollSocketChannel requested = open(new EpollSocketChannel());
        EpollSocketChannel unrequested = open(new EpollSocketChannel());
        GeneratedCallers.in("com.example.app.Asker", () -> {
            netty.connectRequested(new Object(), requested);
            return null;
        });
        CallSitesTest.AppCode.call(() -> {
            netty.connectReturned(requested, target, System.nanoTime(), true, null);
            netty.connectReturned(unrequested, target, System.nanoTime(), true, null);
            return null;
        });
        netty.closed(requested);
        netty.closed(unrequested);
        tracker.drain();
        assertEquals(2, sink.ended.size(), () -> sink.ended.toString());
        assertEquals("com.example.app.Asker.get", sink.ended.get(0).callSite.function,
                "the request's site, not the connect's");
        assertEquals(CallSitesTest.AppCode.CLASS + ".get", sink.ended.get(1).callSite.function);
    }

    @Test
    void finOutputShutdownLingerAndResetAreTheSameEventsAsASocketsAndOnlyForTcpChannels() {
        EpollSocketChannel peerClosed = open(new EpollSocketChannel());
        EpollSocketChannel halfClosed = open(new EpollSocketChannel());
        EpollSocketChannel lingering = open(new EpollSocketChannel());
        EpollSocketChannel reset = open(new EpollSocketChannel());
        for (EpollSocketChannel c : List.of(peerClosed, halfClosed, lingering, reset)) {
            netty.connectReturned(c, target, System.nanoTime(), true, null);
        }
        netty.readEnded(peerClosed, -1, null);
        netty.outputShutdown(halfClosed);
        netty.readEnded(halfClosed, -1, null);
        netty.soLingerSet(lingering, 0);
        netty.writeFailed(reset, new java.io.IOException("writevAddresses(..) failed: Connection reset by peer"));
        EpollDomainSocketChannel domain = open(new EpollDomainSocketChannel());
        netty.readEnded(domain, -1, null);
        netty.closed(domain);
        for (EpollSocketChannel c : List.of(peerClosed, halfClosed, lingering, reset)) netty.closed(c);
        tracker.drain();
        assertEquals(4, sink.ended.size(), () -> "the Unix-domain channel is no connection: " + sink.ended);
        assertEquals(List.of(Closer.PEER, Closer.LOCAL, Closer.RESET, Closer.RESET),
                List.of(sink.ended.get(0).closer(), sink.ended.get(1).closer(), sink.ended.get(2).closer(),
                        sink.ended.get(3).closer()));
    }

    @Test
    void aFailedConnectIsOneFailedRecordAndOneThatNeverReachedTheNetworkNone() {
        EpollSocketChannel refused = open(new EpollSocketChannel());
        netty.connectReturned(refused, target, System.nanoTime(), false, null);
        netty.finishConnectReturned(refused, false, new ConnectException("finishConnect(..) failed: Connection refused"));
        netty.closed(refused);
        EpollSocketChannel unresolved = open(new EpollSocketChannel());
        netty.connectReturned(unresolved, target, System.nanoTime(), false, new UnresolvedAddressException());
        tracker.drain();
        ConnectionRecord r = sink.onlyEnded();
        assertEquals(ConnectionEnd.FAILED, r.end);
        assertEquals("ECONNREFUSED", r.errorType);
    }

    @Test
    void anAcceptedChannelHasNoCallSite() {
        EpollSocketChannel accepted = open(new EpollSocketChannel());
        CallSitesTest.AppCode.call(() -> {
            netty.accepted(accepted);
            return null;
        });
        netty.closed(accepted);
        tracker.drain();
        ConnectionRecord r = sink.onlyEnded();
        assertEquals(ConnectionRecord.Direction.ACCEPTED, r.direction);
        assertNull(r.callSite);
    }

    @Test
    void theIoUringTcpChannelIsAConnectionOfItsOwnApi() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: " + IoUring.unavailabilityCause());
        NettyChannels.Kind kind = NettyChannels.of(open(new IoUringSocketChannel()));
        assertTrue(kind.isTcp());
        assertEquals(NettyChannels.IO_URING_API, kind.api);
        assertEquals(NettyChannels.EPOLL_API, NettyChannels.of(open(new EpollSocketChannel())).api);
        assertFalse(NettyChannels.of(open(new IoUringDomainSocketChannel())).isTcp());
    }

    @Test
    void anIoUringConnectIsPendingFromItsSubmissionToItsCompletion() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: " + IoUring.unavailabilityCause());
        IoUringSocketChannel channel = open(new IoUringSocketChannel());
        CallSitesTest.AppCode.call(() -> {
            netty.connectRequested(new Object(), channel);
            return null;
        });
        netty.connectSubmitted(channel, target, System.nanoTime(), promise(channel));
        tracker.drain();
        assertEquals(List.of(), sink.opened, "pending until the ring completes it");
        netty.finishConnectReturned(channel, true, null);
        netty.resetSeen(channel);
        netty.closed(channel);
        tracker.drain();
        ConnectionRecord r = sink.onlyEnded();
        assertEquals(NettyChannels.IO_URING_API, r.api);
        assertEquals(CallSitesTest.AppCode.CLASS + ".get", r.callSite.function);
        assertEquals(Closer.RESET, r.closer());
    }

    @Test
    void anIoUringConnectThatFailsBeforeTheRingIsAFailedConnectOnlyWhenItTriedToBind() {
        assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: " + IoUring.unavailabilityCause());
        for (Throwable notTried : List.of(new ClosedChannelException(), new UnresolvedAddressException(),
                new java.util.concurrent.CancellationException())) {
            IoUringSocketChannel channel = open(new IoUringSocketChannel());
            ChannelPromise promise = promise(channel);
            promise.setFailure(notTried);
            netty.connectSubmitted(channel, target, System.nanoTime(), promise);
            netty.closed(channel);
        }
        IoUringSocketChannel bound = open(new IoUringSocketChannel());
        ChannelPromise promise = promise(bound);
        promise.setFailure(new IOException("bind(..) failed: Address already in use"));
        netty.connectSubmitted(bound, target, System.nanoTime(), promise);
        IoUringSocketChannel refused = open(new IoUringSocketChannel());
        netty.connectSubmitted(refused, target, System.nanoTime(), promise(refused));
        netty.finishConnectReturned(refused, false, new ConnectException("io_uring connect(..) failed: Connection refused"));
        netty.closed(refused);
        tracker.drain();
        assertEquals(2, sink.ended.size(), () -> "only the bind and the refused connect: " + sink.ended);
        assertEquals("EADDRINUSE", sink.ended.get(0).errorType);
        assertEquals("ECONNREFUSED", sink.ended.get(1).errorType);
        assertEquals(ConnectionEnd.FAILED, sink.ended.get(1).end);
    }

    private static ChannelPromise promise(Channel channel) {
        return new DefaultChannelPromise(channel, ImmediateEventExecutor.INSTANCE);
    }
}
