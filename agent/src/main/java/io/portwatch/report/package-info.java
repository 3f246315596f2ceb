/**
 * The churn report: {@link io.portwatch.report.RunHistory}, fed on the reporter thread with every
 * connection and every budget sample, and what is made of it on demand: the summary at exit
 * ({@link io.portwatch.report.ConsoleReport}), the HTML page ({@link io.portwatch.report.HtmlReport})
 * and {@code report PID}.
 *
 * <p>Imports {@code host}, {@code hostrules}, {@code clients}, {@code kernel} and {@code track}.
 */
package io.portwatch.report;
