package io.portwatch.budget;

/** Ports one destination holds in one table snapshot, by state. Immutable. */
public final class DestinationUsage {

    private final Destination destination;
    private final int established;
    private final int timeWait;
    private final int other;
    private final int ownOpen;
    private final int freshTimeWait;

    public DestinationUsage(Destination destination, int established, int timeWait, int other) {
        this(destination, established, timeWait, other, 0);
    }

    /** @param ownOpen of the open (not TIME_WAIT) ports, those held by sockets of this process */
    public DestinationUsage(Destination destination, int established, int timeWait, int other, int ownOpen) {
        this(destination, established, timeWait, other, ownOpen, 0);
    }

    /** @param freshTimeWait of the TIME_WAIT ports, those born lately ({@link DestinationCounts#freshWithin}) */
    public DestinationUsage(Destination destination, int established, int timeWait, int other, int ownOpen,
                            int freshTimeWait) {
        this.freshTimeWait = freshTimeWait;
        this.destination = destination;
        this.established = established;
        this.timeWait = timeWait;
        this.other = other;
        this.ownOpen = ownOpen;
    }

    /** TIME_WAIT ports born within the window {@link DestinationCounts#freshWithin} set, by any process. */
    public int freshTimeWait() {
        return freshTimeWait;
    }

    public Destination destination() {
        return destination;
    }

    public int established() {
        return established;
    }

    public int timeWait() {
        return timeWait;
    }

    /** SYN_SENT, FIN_WAIT1/2, CLOSE_WAIT, LAST_ACK, CLOSING...: the port is held all the same. */
    public int other() {
        return other;
    }

    /**
     * Open ports (any state but TIME_WAIT, whose sockets have no owner left) held by this process,
     * as told by {@link DestinationCounts#ownSockets}; 0 when it was not told.
     */
    public int ownOpen() {
        return ownOpen;
    }

    /** Open ports held by other processes, or by this one's sockets it was not told about. */
    public int othersOpen() {
        return established + other - ownOpen;
    }

    /** Every port this destination holds now. */
    public int held() {
        return established + timeWait + other;
    }

    @Override
    public String toString() {
        return destination + " established=" + established + " time_wait=" + timeWait + " other=" + other;
    }
}
