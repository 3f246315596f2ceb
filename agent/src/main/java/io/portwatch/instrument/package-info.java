/**
 * Byte Buddy instrumentation of library types, installed on the {@code portwatch-libraries}
 * thread once the JVM is seen to use them ({@link io.portwatch.instrument.LibraryTrigger}): JDBC
 * drivers and connections here, Netty's native epoll and io_uring transports in {@code instrument.netty}. The
 * JDK's own socket classes are woven apart, with plain ASM, by {@code instrument.jdk}.
 *
 * <p>The advice is stateless and calls the bridge only. Imports {@code bootstrap} and
 * {@code track}.
 */
package io.portwatch.instrument;
