/**
 * Readers of what the Linux kernel says about TCP: {@code /proc/net/tcp} and {@code tcp6}
 * ({@link io.portwatch.kernel.TcpTableReader}, without a String per row), the sysctls, the
 * counters of {@code /proc/net/netstat} and {@code sockstat}, and which sockets are this
 * process's. Pure parsing over {@link io.portwatch.kernel.ProcFs}, so tests give it any text;
 * no state of the agent, any thread. Imports nothing of the agent.
 */
package io.portwatch.kernel;
