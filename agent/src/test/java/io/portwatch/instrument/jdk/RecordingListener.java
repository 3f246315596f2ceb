package io.portwatch.instrument.jdk;

import io.portwatch.bootstrap.SocketListener;

import java.net.InetAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Writes down what the woven code reported, one line per call, with the objects it was given. */
final class RecordingListener implements SocketListener {

    final List<String> calls = new ArrayList<>();
    final List<Object[]> arguments = new ArrayList<>();
    /** Thrown from every call when set: the hooks must swallow it. */
    RuntimeException failWith;

    private void record(String call, Object... args) {
        calls.add(call);
        arguments.add(args);
        if (failWith != null) throw failWith;
    }

    @Override public void connected(Object c, SocketAddress t, long s, Throwable e) {
        record("connected" + (e == null ? "" : " failed"), c, t, s, e);
    }
    @Override public void connectPending(Object c, SocketAddress t, long s) { record("connectPending", c, t, s); }
    @Override public void finishedConnect(Object c, Throwable e) {
        record("finishedConnect" + (e == null ? "" : " failed"), c, e);
    }
    @Override public void accepted(Object c) { record("accepted", c); }
    @Override public void endOfStream(Object c) { record("endOfStream", c); }
    @Override public void ioFailed(Object c, Throwable e) { record("ioFailed", c, e); }
    @Override public void outputShutdown(Object c) { record("outputShutdown", c); }
    @Override public void lingerSet(Object c, boolean zero) { record("lingerSet " + zero, c); }
    @Override public void bound(Object c) { record("bound", c); }
    @Override public void closed(Object c) { record("closed", c); }
    @Override public void localAddressRead(InetAddress a, int port) { record("localAddressRead", a, port); }
}
