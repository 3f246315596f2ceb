/**
 * The port-capacity model of a destination: how many local ports a destination has
 * ({@link io.portwatch.budget.PortBudget}), whether a TIME_WAIT port can be taken again
 * ({@link io.portwatch.budget.ReuseVerdict}), the rate of new connections and TIME_WAITs, the
 * forecast of running out ({@link io.portwatch.budget.Forecast}) and the words of the warning
 * ({@link io.portwatch.budget.Advice}). The rules of the host's TCP settings are in
 * {@code hostrules}.
 *
 * <p>Plain computations over values, on whichever thread calls them (the kernel thread, through
 * {@code host}; {@code doctor} in the command line). Imports {@code kernel} and {@code clients}.
 */
package io.portwatch.budget;
