/**
 * The integration tests ({@code *IT}, run by Failsafe): each starts real child JVMs with the built
 * agent ({@code it.support.ChildJvm}) running a main class of {@code it.workload}, against real
 * servers on loopback or in network namespaces, and checks what the agent reported.
 * {@code NettyTransportChecks} holds the checks the Netty transports' tests share. Imports
 * {@code it.support} and {@code it.workload}.
 */
package io.portwatch.it;
