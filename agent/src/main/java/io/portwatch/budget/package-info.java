/**
 * The port-capacity model of a destination and the rules of the host's TCP settings: how many
 * local ports a destination has ({@link io.portwatch.budget.PortBudget}), the rate of new
 * connections and TIME_WAITs, the forecast of running out ({@link io.portwatch.budget.Forecast}),
 * the host-settings verdicts ({@link io.portwatch.budget.HostRules}) and the words of the
 * warning ({@link io.portwatch.budget.Advice}).
 *
 * <p>Plain computations over values, on whichever thread calls them (the kernel thread, through
 * {@code host}; {@code doctor} in the command line). Imports only {@code kernel}.
 */
package io.portwatch.budget;
