/**
 * {@code java -jar portwatch-agent.jar}: the commands a person runs (attach, list, report,
 * doctor), in a JVM of their own, never inside the application. The HotSpot attach protocol is
 * spoken here without the {@code jdk.attach} module ({@link io.portwatch.cli.HotSpotAttach}).
 *
 * <p>Imports {@code agent} (the configuration's keys), {@code budget}, {@code hostrules},
 * {@code kernel}, and {@code host} for one scan of the processes holding ports ({@code doctor}).
 */
package io.portwatch.cli;
