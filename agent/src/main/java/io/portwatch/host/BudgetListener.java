package io.portwatch.host;

/** Receives what the host sampler found: every sample, and warnings as they are raised and cleared. */
public interface BudgetListener {

    /** A new sample of the host and of this JVM's destinations. */
    void sampled(HostSnapshot snapshot);

    /** A destination is heading for exhaustion (hysteresis applied: once until cleared). */
    void warningRaised(PortWarning warning);

    /** A destination raised before is safe again. */
    void warningCleared(PortWarning warning);
}
