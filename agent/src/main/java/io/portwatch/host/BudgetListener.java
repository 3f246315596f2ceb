package io.portwatch.host;

/** Receives what the host sampler found: every sample, and warnings as they are raised, updated and cleared. */
public interface BudgetListener {

    /** A new sample of the host and of this JVM's destinations. */
    void sampled(HostSnapshot snapshot);

    /** A destination is heading for exhaustion (hysteresis applied: once until cleared). */
    void warningRaised(PortWarning warning);

    /**
     * A raised warning said again: its cause or its figures changed materially (see
     * {@link WarningUpdates}). {@code warning} replaces the one raised.
     */
    void warningUpdated(PortWarning warning);

    /** A destination raised before is safe again. */
    void warningCleared(PortWarning warning);

    /** The connection-tracking table is near full ({@link ConntrackAlarm}): once until cleared. */
    default void conntrackRaised(ConntrackWarning warning) {}

    /** The connection-tracking table, near full before, has room again. */
    default void conntrackCleared(ConntrackWarning warning) {}
}
