package io.portwatch.host;

import java.util.List;

/** Host snapshots and warnings for tests outside this package (the report's). */
public final class TestSnapshots {

    private TestSnapshots() {}

    public static HostSnapshot.DestinationBudget budget(String server, int port, int capacity, int used, int timeWait,
                                                        double rate, double secondsLeft) {
        return new HostSnapshot.DestinationBudget(server, port, "127.0.0.1", capacity, used, used - timeWait,
                timeWait, rate, secondsLeft, -1, -1, Double.NaN, Double.NaN, false, 60, "tcp_timestamps", 0, List.of(), 0, 0);
    }

    /** A destination toward which TIME_WAIT reuse is effective: each TIME_WAIT port blocks it {@code holdSeconds}. */
    public static HostSnapshot.DestinationBudget reusing(String server, int port, int capacity, int used, int timeWait,
                                                         double rate, double holdSeconds) {
        return new HostSnapshot.DestinationBudget(server, port, "127.0.0.1", capacity, used, used - timeWait,
                timeWait, rate, Double.POSITIVE_INFINITY, -1, -1, Double.NaN, Double.NaN, false, holdSeconds, null, 0, List.of(), 0, 0);
    }

    /** A destination whose TIME_WAITs are split between this JVM and other processes, in count and rate. */
    public static HostSnapshot.DestinationBudget timeWaits(String server, int port, int timeWait, int jvmTimeWait,
                                                           double jvmRate, double hostRate) {
        return new HostSnapshot.DestinationBudget(server, port, "127.0.0.1", 300, timeWait, 0, timeWait, hostRate,
                Double.POSITIVE_INFINITY, -1, -1, Double.NaN, Double.NaN, false, 60, "tcp_timestamps", jvmTimeWait,
                List.of(), jvmRate, hostRate);
    }

    /** The namespace every test snapshot is of. */
    public static final String NETNS = "4026531840@0a1b2c3d";

    public static HostSnapshot snapshot(long hostTimeWait, List<HostSnapshot.DestinationBudget> destinations) {
        return snapshot(hostTimeWait, destinations, null);
    }

    /** With the connection-tracking table ({@code null}: not loaded). */
    public static HostSnapshot snapshot(long hostTimeWait, List<HostSnapshot.DestinationBudget> destinations,
                                        io.portwatch.kernel.Conntrack conntrack) {
        return new HostSnapshot(hostTimeWait, 0, 0, destinations, conntrack, NETNS);
    }

    public static PortWarning warning(String server, int port, String advice) {
        return new PortWarning(server + ":" + port + " from 127.0.0.1", server, port, 300, 250, 240, 30, 2, advice,
                List.of(advice), "pool them", "com.example.Writer.write(Writer.java:42)");
    }
}
