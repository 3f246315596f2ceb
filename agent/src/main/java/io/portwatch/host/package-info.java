/**
 * The join of the kernel's tables with this JVM's connections:
 * {@link io.portwatch.host.HostSampler} schedules the reads of the TCP tables on the
 * {@code portwatch-kernel} thread, confirms who closed each connection that just ended
 * ({@link io.portwatch.host.ClosedConnections}), counts the ports held per destination and, near
 * trouble, finds which processes hold them ({@link io.portwatch.host.HolderScan});
 * {@link io.portwatch.host.DestinationBudgets} computes from each read the budgets and raises,
 * updates and clears the port-exhaustion warnings ({@link io.portwatch.host.PortWarning}), told to
 * {@link io.portwatch.host.BudgetListener}s.
 *
 * <p>Imports {@code budget}, {@code hostrules}, {@code clients}, {@code kernel} and {@code track}.
 */
package io.portwatch.host;
