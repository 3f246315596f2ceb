package io.portwatch.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one destination saw during a recording: the host as the application named it, with the
 * address it connected to (a name may stand for several addresses, counted apart), and
 * outgoing physical connects, counted when they complete (a pooled connection still open at the
 * end counts), and closes, counted when they happen, by who closed first. Immutable.
 *
 * <p>Who closed first is the JVM's view at the moment of the close: {@code local} when this JVM
 * closed before the peer's FIN arrived (this host then keeps the TIME_WAIT), {@code peer} when
 * the peer's FIN was seen first, {@code reset} when the connection ended in RST.
 */
public final class DestinationTotals {

    private final String destination;
    private final String address;
    private final long physicalConnects;
    private final long failedConnects;
    private final long localCloses;
    private final long peerCloses;
    private final long resetCloses;
    private final long unknownCloses;
    private final Map<String, Long> callSites;

    /** A destination the application named by address (or whose address is not known). */
    public DestinationTotals(String destination, long physicalConnects, long failedConnects, long localCloses,
                             long peerCloses, long resetCloses, long unknownCloses, Map<String, Long> callSites) {
        this(destination, destination, physicalConnects, failedConnects, localCloses, peerCloses, resetCloses,
                unknownCloses, callSites);
    }

    /**
     * @param destination {@code host:port} as the application named it
     * @param address     {@code address:port} it connected to; {@code destination} when it named an
     *                    address, or when the address is not known
     * @param callSites   physical connects by the application frame that opened them ({@code
     *                    com.example.Writer.write(Writer.java:42)}), in any order
     */
    public DestinationTotals(String destination, String address, long physicalConnects, long failedConnects,
                             long localCloses, long peerCloses, long resetCloses, long unknownCloses,
                             Map<String, Long> callSites) {
        this.destination = destination;
        this.address = address == null ? destination : address;
        this.physicalConnects = physicalConnects;
        this.failedConnects = failedConnects;
        this.localCloses = localCloses;
        this.peerCloses = peerCloses;
        this.resetCloses = resetCloses;
        this.unknownCloses = unknownCloses;
        this.callSites = Collections.unmodifiableMap(mostFirst(callSites));
    }

    private static Map<String, Long> mostFirst(Map<String, Long> sites) {
        List<Map.Entry<String, Long>> all = new ArrayList<>(sites.entrySet());
        all.sort((a, b) -> b.getValue().equals(a.getValue())
                ? a.getKey().compareTo(b.getKey()) : Long.compare(b.getValue(), a.getValue()));
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : all) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    /**
     * {@code host:port} as the application named it: the name or address given to the socket (a
     * JDBC driver gives the URL's host), e.g. {@code localhost:3306} or {@code 127.0.0.1:3306};
     * IPv6 hosts in brackets.
     */
    public String destination() { return destination; }

    /**
     * {@code address:port} the connection went to, e.g. {@code 127.0.0.1:3306}; the same as
     * {@link #destination()} when the application named an address, or when it is not known.
     */
    public String address() { return address; }

    /** Outgoing connections that were established (TCP handshakes this JVM paid for). */
    public long physicalConnects() { return physicalConnects; }

    /** Connects that failed (refused, timed out, no port left...). */
    public long failedConnects() { return failedConnects; }

    /** Closes where this JVM closed first: each leaves a TIME_WAIT on this host for about 60 s. */
    public long localCloses() { return localCloses; }

    public long peerCloses() { return peerCloses; }

    public long resetCloses() { return resetCloses; }

    /** Closes whose closer could not be told. */
    public long unknownCloses() { return unknownCloses; }

    public long closes() {
        return localCloses + peerCloses + resetCloses + unknownCloses;
    }

    /** Share of closes made by this JVM first, 0 to 1; 0 when nothing was closed. */
    public double localCloseShare() {
        long c = closes();
        return c == 0 ? 0 : (double) localCloses / c;
    }

    /** Physical connects by call site, most first. */
    public Map<String, Long> callSites() { return callSites; }

    /** The sum of two destinations' totals, named {@code destination}. */
    DestinationTotals plus(DestinationTotals o, String name) {
        Map<String, Long> sites = new LinkedHashMap<>(callSites);
        for (Map.Entry<String, Long> e : o.callSites.entrySet()) {
            sites.merge(e.getKey(), e.getValue(), Long::sum);
        }
        return new DestinationTotals(name, name, physicalConnects + o.physicalConnects, failedConnects + o.failedConnects,
                localCloses + o.localCloses, peerCloses + o.peerCloses, resetCloses + o.resetCloses,
                unknownCloses + o.unknownCloses, sites);
    }

    /**
     * One line: {@code 127.0.0.1:3306: 41 physical connects, 0 failed; 41 closes: local 41 (100%), ...};
     * a destination named by host name shows its address too: {@code localhost:3306 (127.0.0.1:3306): ...}.
     */
    @Override
    public String toString() {
        return destination + (address.equals(destination) ? "" : " (" + address + ")") + ": " + physicalConnects + " physical connects, " + failedConnects + " failed; "
                + closes() + " closes: local " + localCloses + " (" + Math.round(100 * localCloseShare())
                + "%), peer " + peerCloses + ", reset " + resetCloses + ", unknown " + unknownCloses;
    }
}
