package io.portwatch.budget;

/** Ports one destination holds in one table snapshot, by state. Immutable. */
public final class DestinationUsage {

    private final Destination destination;
    private final int established;
    private final int timeWait;
    private final int other;

    public DestinationUsage(Destination destination, int established, int timeWait, int other) {
        this.destination = destination;
        this.established = established;
        this.timeWait = timeWait;
        this.other = other;
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

    /** Every port this destination holds now. */
    public int held() {
        return established + timeWait + other;
    }

    @Override
    public String toString() {
        return destination + " established=" + established + " time_wait=" + timeWait + " other=" + other;
    }
}
