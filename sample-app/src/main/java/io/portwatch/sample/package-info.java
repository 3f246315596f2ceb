/**
 * The sample application of the demo and the tests: a job that writes rows to MySQL or MariaDB
 * from several threads, with a new connection per write ({@code churn}, the founding incident),
 * through a pool (the cure), or in the other modes of {@link io.portwatch.sample.Mode}, against a
 * database given by URL or an embedded MariaDB it starts itself
 * ({@link io.portwatch.sample.EmbeddedDatabase}). Knows nothing of the agent.
 */
package io.portwatch.sample;
