/**
 * The agent's entry points and wiring: {@code premain} and {@code agentmain}
 * ({@link io.portwatch.agent.PortwatchAgent}), which hand over to the rest through the agent's own
 * class loader ({@link io.portwatch.agent.AgentClassLoader}), the configuration, the bridge put
 * into the bootstrap loader, and {@link io.portwatch.agent.Agent}, which starts everything else in
 * order.
 *
 * <p>Threads: the JVM's main thread before {@code main} (or the attach listener), then
 * {@code portwatch-start} for what need not hold up {@code main}, and the exit hook. The only
 * package that may import every other; none imports it but {@code cli}.
 */
package io.portwatch.agent;
