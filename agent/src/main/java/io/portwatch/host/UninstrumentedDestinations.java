package io.portwatch.host;

import io.portwatch.kernel.IpAddress;
import io.portwatch.track.ConnectionRecord;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Says once per destination that connections toward it (or accepted on a port) went past every
 * instrumentation and were counted from the kernel's tables alone. Bounded: past
 * {@link #MAX_NAMED} destinations, one last line says that more are not named.
 */
public final class UninstrumentedDestinations {

    static final int MAX_NAMED = 50;

    private final Consumer<String> say;
    private final Set<String> said = new HashSet<>();
    private boolean saidMore;

    UninstrumentedDestinations(Consumer<String> say) {
        this.say = say;
    }

    /** The destination a record is told under: {@code host:port}, or {@code accepted on port N}. */
    public static String name(ConnectionRecord r) {
        if (r.direction == ConnectionRecord.Direction.ACCEPTED) return "accepted on port " + r.localPort();
        return r.peerAddress() == null ? "(unknown)" : IpAddress.hostPort(r.peerAddress().getHostAddress(), r.peerPort());
    }

    /** A connection counted from the kernel's tables: its destination said if it never was. */
    void counted(ConnectionRecord r) {
        String name = name(r);
        if (said.contains(name)) return;
        if (said.size() >= MAX_NAMED) {
            if (!saidMore) {
                say.accept("uninstrumented TCP connections toward more than " + MAX_NAMED
                        + " destinations: the others are counted but not named here");
                saidMore = true;
            }
            return;
        }
        said.add(name);
        say.accept("uninstrumented TCP connections " + (name.startsWith("accepted") ? name : "toward " + name)
                + ": no instrumentation reported them; counted from the kernel's tables with"
                + " portwatch.instrumented=false (closer from the kernel, no call site, no span)");
    }
}
