/**
 * The tracker, in three parts on three kinds of thread. On the application's threads,
 * {@link io.portwatch.track.ConnectionEvents} (and its JDBC and Netty siblings) fill a slot of
 * the {@link io.portwatch.track.EventRing}: no lock, no I/O. On {@code portwatch-tracker},
 * {@link io.portwatch.track.Tracker} drains the ring into one
 * {@link io.portwatch.track.ConnectionRecord} per connection and decides how it ended. On
 * {@code portwatch-reporter}, {@link io.portwatch.track.Reporter} waits for the kernel's
 * confirmation of the closer and hands each record to the sinks.
 *
 * <p>Imports {@code bootstrap} and {@code kernel}.
 */
package io.portwatch.track;
