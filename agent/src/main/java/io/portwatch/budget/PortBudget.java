package io.portwatch.budget;

import io.portwatch.kernel.PortRanges;
import io.portwatch.kernel.Sysctls;

/**
 * How many ephemeral ports one destination can hold at once: the size of
 * {@code ip_local_port_range} minus the {@code ip_local_reserved_ports} inside it (both per
 * network namespace, {@code Documentation/networking/ip-sysctl.rst}). The default range 32768-60999 gives 28,232.
 *
 * <p>The pool is per destination (local address, remote address, remote port) because
 * {@code connect()} only needs an unused 4-tuple. Sockets bound before {@code connect()}
 * ({@code bind(addr, 0)}, in Java {@code Socket.bind} or the 4-argument {@code Socket}
 * constructor) are different: {@code bind()} needs a port free of every owner, TIME_WAIT included,
 * so such sockets share one pool per local address across all destinations, and exhaustion shows
 * as EADDRINUSE instead of EADDRNOTAVAIL. {@link #boundBeforeConnect()} says which model applies.
 */
public final class PortBudget {

    private final int low;
    private final int high;
    private final int capacity;
    private final boolean boundBeforeConnect;

    public PortBudget(int low, int high, PortRanges reserved, boolean boundBeforeConnect) {
        this.low = low;
        this.high = high;
        this.capacity = capacity(low, high, reserved);
        this.boundBeforeConnect = boundBeforeConnect;
    }

    /** The budget of a host's sysctls, for sockets that let {@code connect()} pick the port. */
    public static PortBudget of(Sysctls s) {
        if (!s.hasPortRange()) {
            return new PortBudget(0, -1, s.reservedPorts(), false);
        }
        return new PortBudget(s.portLow(), s.portHigh(), s.reservedPorts(), false);
    }

    /** Ports in [low, high] that are not reserved; 0 for an empty range. */
    public static int capacity(int low, int high, PortRanges reserved) {
        if (high < low) {
            return 0;
        }
        return high - low + 1 - reserved.countWithin(low, high);
    }

    /** The same range with the other pool model. */
    public PortBudget withBoundBeforeConnect(boolean bound) {
        return new PortBudget(low, high, capacity, bound);
    }

    private PortBudget(int low, int high, int capacity, boolean boundBeforeConnect) {
        this.low = low;
        this.high = high;
        this.capacity = capacity;
        this.boundBeforeConnect = boundBeforeConnect;
    }

    public int low() {
        return low;
    }

    public int high() {
        return high;
    }

    /** Usable ports per pool. */
    public int capacity() {
        return capacity;
    }

    /** True when sockets are bound before connect: one pool per local address, not per destination. */
    public boolean boundBeforeConnect() {
        return boundBeforeConnect;
    }

    public boolean isEphemeral(int port) {
        return port >= low && port <= high;
    }

    /** Ports counted against {@code d}'s pool in a snapshot, under this budget's pool model. */
    public int held(DestinationCounts counts, Destination d) {
        if (boundBeforeConnect) {
            return counts.heldFromLocal(d.localHi(), d.localLo());
        }
        DestinationUsage u = counts.get(d);
        return u == null ? 0 : u.held();
    }

    @Override
    public String toString() {
        return low + "-" + high + " (" + capacity + " usable ports per "
            + (boundBeforeConnect ? "local address" : "destination") + ')';
    }
}
