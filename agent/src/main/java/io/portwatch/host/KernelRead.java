package io.portwatch.host;

import io.portwatch.budget.DestinationCounts;
import io.portwatch.kernel.Conntrack;
import io.portwatch.kernel.Netstat;
import io.portwatch.kernel.Sysctls;

/**
 * What one read of the kernel saw, as {@link DestinationBudgets} takes it: the tables counted per
 * destination, the sysctls in force, the counters, and what could be told apart by process.
 * Built by the read schedule ({@link HostSampler}) or by a test; the counts are the reader's own
 * object, valid until the next read begins.
 */
final class KernelRead {

    /** The tables counted per destination; their fresh TIME_WAITs are those of the last {@link #freshSeconds}. */
    final DestinationCounts counts;
    /** The window {@link DestinationCounts#freshWithin} was given for this read, in seconds. */
    final double freshSeconds;
    final Sysctls sysctls;
    /** {@code /proc/net/netstat}, or null when it (or the tables) could not be read. */
    final Netstat netstat;
    /** How much {@code TCPTimeWaitOverflow} rose since the previous read; 0 when it did not, or is unknown. */
    final long overflowDelta;
    /** Whether this JVM's socket inodes were known: the counts' own and others' open ports mean something. */
    final boolean attributed;
    /** The other processes holding open ports toward the destinations looked at; {@link PortHolders#NONE} if none were. */
    final PortHolders holders;

    /** The connection-tracking table, or null when it is not loaded (or was not read). */
    final Conntrack conntrack;
    /** Which network namespace on which host was read ({@link io.portwatch.kernel.ProcFs#netnsId()}). */
    final String netns;

    KernelRead(DestinationCounts counts, double freshSeconds, Sysctls sysctls, Netstat netstat, long overflowDelta,
               boolean attributed, PortHolders holders) {
        this(counts, freshSeconds, sysctls, netstat, overflowDelta, attributed, holders, null, "unknown");
    }

    KernelRead(DestinationCounts counts, double freshSeconds, Sysctls sysctls, Netstat netstat, long overflowDelta,
               boolean attributed, PortHolders holders, Conntrack conntrack, String netns) {
        this.counts = counts;
        this.freshSeconds = freshSeconds;
        this.sysctls = sysctls;
        this.netstat = netstat;
        this.overflowDelta = overflowDelta;
        this.attributed = attributed;
        this.holders = holders;
        this.conntrack = conntrack;
        this.netns = netns;
    }
}
