/**
 * Byte Buddy advice for Netty's native transports: epoll (4.1 and 4.2) and io_uring (4.2), matched
 * by the class names inside Netty so that shaded copies are found too
 * ({@link io.portwatch.instrument.netty.NettyTypes}). Where both transports have a method meaning
 * the same, they share its advice ({@code TransportAdvice}).
 */
package io.portwatch.instrument.netty;
