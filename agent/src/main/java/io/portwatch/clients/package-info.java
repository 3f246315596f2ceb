/**
 * What portwatch knows of the network client libraries it finds under a call site: the table of
 * libraries by class-name prefix ({@link io.portwatch.clients.ClientLibrary}), the churn pattern
 * a call site's connections show ({@link io.portwatch.clients.ChurnPattern}) with the tally of
 * whether they overlapped in time ({@link io.portwatch.clients.ConnectionOverlap}), and the fix in
 * the library's own words ({@link io.portwatch.clients.LibraryFixes}).
 *
 * <p>Plain values and tables, any thread; the overlap tally belongs to its owner's thread. Imports
 * nothing of the agent, so that {@code track}, {@code budget}, {@code otel} and {@code report} can
 * all use it.
 */
package io.portwatch.clients;
