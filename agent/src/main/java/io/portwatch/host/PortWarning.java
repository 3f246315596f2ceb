package io.portwatch.host;

import io.portwatch.budget.Advice;

import java.util.List;
import java.util.Locale;

/** A destination that will run out of ports: where, how full, how soon, why and what to change. */
public final class PortWarning {
    /** {@code host:port from local}. */
    public final String destination;
    public final String serverAddress;
    public final int serverPort;
    public final int capacity;
    public final int used;
    public final int timeWait;
    public final double ratePerSecond;
    /** Seconds until exhaustion at the current rate; infinite when sustainable (share warning). */
    public final double secondsLeft;
    public final String advice;
    /** The advice's sentences, one per finding. */
    public final List<String> findings;
    /** The change that matters most, in a few words. */
    public final String mainFix;
    /** The busiest call site opening connections toward it, or null when none is known. */
    public final String topCallSite;

    PortWarning(String destination, String serverAddress, int serverPort, int capacity, int used, int timeWait,
                double ratePerSecond, double secondsLeft, Advice advice, String topCallSite) {
        this(destination, serverAddress, serverPort, capacity, used, timeWait, ratePerSecond, secondsLeft,
                advice.text(), advice.sentences(), advice.mainFix(), topCallSite);
    }

    PortWarning(String destination, String serverAddress, int serverPort, int capacity, int used, int timeWait,
                double ratePerSecond, double secondsLeft, String advice, List<String> findings, String mainFix,
                String topCallSite) {
        this.destination = destination;
        this.serverAddress = serverAddress;
        this.serverPort = serverPort;
        this.capacity = capacity;
        this.used = used;
        this.timeWait = timeWait;
        this.ratePerSecond = ratePerSecond;
        this.secondsLeft = secondsLeft;
        this.advice = advice;
        this.findings = findings;
        this.mainFix = mainFix;
        this.topCallSite = topCallSite;
    }

    /** One line with everything: the log record's body and the report's entry. */
    public String text() {
        return figures() + ". " + advice;
    }

    /**
     * The first line said on stderr, about 200 characters: where, how full, how soon, and the one
     * change that matters most; the {@link #findings} follow on lines of their own.
     */
    public String headline() {
        return figures() + " — " + mainFix;
    }

    private String figures() {
        String when = Double.isInfinite(secondsLeft) ? "" : String.format(Locale.ROOT, ", out of ports in %.0f s", secondsLeft);
        return String.format(Locale.ROOT, "port exhaustion ahead for %s: %d of %d ports used (%d in TIME_WAIT),"
                + " %.1f new connections/s%s", destination, used, capacity, timeWait, ratePerSecond, when);
    }
}
