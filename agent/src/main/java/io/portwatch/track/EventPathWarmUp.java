package io.portwatch.track;

import java.net.InetSocketAddress;

/** The tracker's classes loaded before the application's first connection needs them. */
public final class EventPathWarmUp {

    private EventPathWarmUp() {}

    /**
     * Loads every class on the event path, both halves, by sending a connection of every kind of
     * event through a tracker of its own, thrown away after: so that the application's first
     * connection does not load them on its thread. From a thread the tracker does not ignore (not
     * one of {@link AgentThreads}), or the events stop at the door.
     */
    public static void run() {
        Tracker t = new Tracker(64, 64, new CallSites(true, 1000, java.util.Collections.emptyList()));
        Object dummy = new Object();
        InetSocketAddress target = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 9);
        ConnectionEvents events = t.events();
        events.localAddressRead(target.getAddress(), target.getPort());
        events.connected(dummy, target, System.nanoTime(), null);
        events.endOfStream(dummy);
        events.ioFailed(dummy, new java.net.SocketException("Connection reset"));
        events.outputShutdown(dummy);
        events.lingerSet(dummy, true);
        events.bound(dummy);
        events.closed(dummy);
        events.connectPending(dummy, target, System.nanoTime());
        events.finishedConnect(dummy, new java.net.ConnectException("Connection refused"));
        t.drain();
        t.endAll();
    }
}
