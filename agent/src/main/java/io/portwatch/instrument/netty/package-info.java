/**
 * Byte Buddy advice for Netty's native epoll transport, 4.1 and 4.2, matched by the class names
 * inside Netty so that shaded copies are found too ({@link io.portwatch.instrument.netty.NettyTypes}).
 */
package io.portwatch.instrument.netty;
