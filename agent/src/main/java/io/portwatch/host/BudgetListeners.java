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

    /*
     * A loop each, not each(l -> l.sampled(snapshot)): the first sample is taken at the agent's
     * start, where each lambda is a class the JVM spins.
     */
    @Override
    public void sampled(HostSnapshot snapshot) {
        for (BudgetListener l : listeners) {
            try {
                l.sampled(snapshot);
            } catch (RuntimeException e) {
                errors.accept(e);
            }
        }
    }

    @Override
    public void warningRaised(PortWarning warning) {
        for (BudgetListener l : listeners) {
            try {
                l.warningRaised(warning);
            } catch (RuntimeException e) {
                errors.accept(e);
            }
        }
    }

    @Override
    public void warningUpdated(PortWarning warning) {
        for (BudgetListener l : listeners) {
            try {
                l.warningUpdated(warning);
            } catch (RuntimeException e) {
                errors.accept(e);
            }
        }
    }

    @Override
    public void warningCleared(PortWarning warning) {
        for (BudgetListener l : listeners) {
            try {
                l.warningCleared(warning);
            } catch (RuntimeException e) {
                errors.accept(e);
            }
        }
    }

    @Override
    public void conntrackRaised(ConntrackWarning warning) {
        for (BudgetListener l : listeners) {
            try {
                l.conntrackRaised(warning);
            } catch (RuntimeException e) {
                errors.accept(e);
            }
        }
    }

    @Override
    public void conntrackCleared(ConntrackWarning warning) {
        for (BudgetListener l : listeners) {
            try {
                l.conntrackCleared(warning);
            } catch (RuntimeException e) {
                errors.accept(e);
            }
        }
    }
}
