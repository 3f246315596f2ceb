/**
 * The rules of the host's TCP settings: each sysctl that decides what happens to TIME_WAIT and
 * port reuse checked against what the kernel does with it ({@link io.portwatch.hostrules.HostRules}),
 * the connection-tracking table's fill ({@link io.portwatch.hostrules.ConntrackRule}), each rule
 * giving a {@link io.portwatch.hostrules.Verdict} with a reason and a fix
 * ({@link io.portwatch.hostrules.RuleResult}).
 *
 * <p>Plain computations over values, on whichever thread calls them: the agent's start
 * ({@code portwatch-start}, through {@code host}) for the start-up lines, {@code portwatch-kernel}
 * for the connection-tracking warning's thresholds and words, {@code doctor} in the command line.
 * Imports {@code kernel}, and {@code budget} for the ports a range leaves per destination, so that
 * the rule and the forecast count them the same way.
 */
package io.portwatch.hostrules;
