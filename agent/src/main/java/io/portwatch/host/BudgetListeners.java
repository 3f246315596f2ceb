package io.portwatch.host;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/** Hands each sample and warning to several listeners in turn; one failing does not starve the others. */
public final class BudgetListeners implements BudgetListener {

    private final List<BudgetListener> listeners;
    private final Consumer<Throwable> errors;

    public BudgetListeners(Consumer<Throwable> errors, BudgetListener... listeners) {
        this.listeners = Arrays.asList(listeners.clone());
        this.errors = errors;
    }

    @Override
    public void sampled(HostSnapshot snapshot) {
        each(l -> l.sampled(snapshot));
    }

    @Override
    public void warningRaised(PortWarning warning) {
        each(l -> l.warningRaised(warning));
    }

    @Override
    public void warningUpdated(PortWarning warning) {
        each(l -> l.warningUpdated(warning));
    }

    @Override
    public void warningCleared(PortWarning warning) {
        each(l -> l.warningCleared(warning));
    }

    @Override
    public void conntrackRaised(ConntrackWarning warning) {
        each(l -> l.conntrackRaised(warning));
    }

    @Override
    public void conntrackCleared(ConntrackWarning warning) {
        each(l -> l.conntrackCleared(warning));
    }

    /** Once a sample at most, so the lambda costs nothing that matters. */
    private void each(Consumer<BudgetListener> call) {
        for (BudgetListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                errors.accept(e);
            }
        }
    }
}
