package io.portwatch.api;

/**
 * A connection budget for the destinations one pattern covers: at most so many physical connects,
 * at most so many local closes (each leaves a TIME_WAIT on this host). A budget whose pattern
 * matched no connection while connections to its port were seen fails (the pattern most
 * likely names the destination otherwise than the application does); one that matched nothing at
 * all passes and says so, or fails when {@link #withFailIfNoneMatched(boolean) asked to}. Immutable.
 */
public final class Budget {

    /** No limit. */
    public static final long UNLIMITED = -1;

    private final DestinationPattern destination;
    private final long maxPhysicalConnects;
    private final long maxLocalCloses;
    private final boolean failIfNoneMatched;

    /**
     * @param maxPhysicalConnects at most this many (0 or more), or {@link #UNLIMITED}
     * @param maxLocalCloses      at most this many (0 or more), or {@link #UNLIMITED}
     */
    public Budget(DestinationPattern destination, long maxPhysicalConnects, long maxLocalCloses) {
        this(destination, maxPhysicalConnects, maxLocalCloses, false);
    }

    private Budget(DestinationPattern destination, long maxPhysicalConnects, long maxLocalCloses, boolean failIfNoneMatched) {
        if (maxPhysicalConnects < UNLIMITED || maxLocalCloses < UNLIMITED) {
            throw new IllegalArgumentException("a budget is 0 or more, or -1 for no limit");
        }
        this.destination = destination;
        this.maxPhysicalConnects = maxPhysicalConnects;
        this.maxLocalCloses = maxLocalCloses;
        this.failIfNoneMatched = failIfNoneMatched;
    }

    /**
     * This budget, failing (or not) when its pattern matched no connection at all: for a test that
     * must connect, where a budget that counted nothing means a pattern that does not fit.
     */
    public Budget withFailIfNoneMatched(boolean fail) {
        return new Budget(destination, maxPhysicalConnects, maxLocalCloses, fail);
    }

    /** Whether a pattern that matched no connection at all fails the budget. */
    public boolean failIfNoneMatched() {
        return failIfNoneMatched;
    }

    public static Budget physicalConnects(String destination, long max) {
        return new Budget(DestinationPattern.parse(destination), max, UNLIMITED);
    }

    public static Budget localCloses(String destination, long max) {
        return new Budget(DestinationPattern.parse(destination), UNLIMITED, max);
    }

    public DestinationPattern destination() {
        return destination;
    }

    public long maxPhysicalConnects() {
        return maxPhysicalConnects;
    }

    public long maxLocalCloses() {
        return maxLocalCloses;
    }

    /** Holds the report against this budget: passed, exceeded, or not confirmable. */
    public BudgetVerdict check(ConnectionReport report) {
        return BudgetVerdict.of(this, report);
    }

    @Override
    public String toString() {
        return destination + ": " + (maxPhysicalConnects == UNLIMITED ? "" : "at most " + maxPhysicalConnects + " physical connects")
                + (maxPhysicalConnects != UNLIMITED && maxLocalCloses != UNLIMITED ? ", " : "")
                + (maxLocalCloses == UNLIMITED ? "" : "at most " + maxLocalCloses + " local closes");
    }
}
