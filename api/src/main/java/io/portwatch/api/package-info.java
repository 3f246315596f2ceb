/**
 * {@code portwatch-api}: what a test or a program asks of the portwatch agent in its own JVM. A
 * recording scope ({@link io.portwatch.api.ConnectionRecording}) counts the connections made
 * between its start and its stop, per destination and call site, into a
 * {@link io.portwatch.api.ConnectionReport}; a {@link io.portwatch.api.Budget} checks such a
 * report against limits. It reaches the agent through one bootstrap class found by name
 * ({@link io.portwatch.api.AgentChannel}), passing JDK types only, so it needs neither the
 * agent's classes nor any dependency; without the agent, a scope fails with
 * {@link io.portwatch.api.AgentNotAttachedException}. Runs on the caller's thread.
 */
package io.portwatch.api;
