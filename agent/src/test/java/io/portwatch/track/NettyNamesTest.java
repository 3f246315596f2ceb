package io.portwatch.track;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NettyNamesTest {

    @Test
    void theNameInsideNettyOfTheOriginalAndOfShadedCopies() {
        assertEquals("channel.epoll.EpollSocketChannel", NettyNames.relative("io.netty.channel.epoll.EpollSocketChannel"));
        assertEquals("channel.epoll.EpollSocketChannel",
                NettyNames.relative("io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel"));
        assertEquals("io.grpc.netty.shaded.io.netty.",
                NettyNames.root("io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel"));
        assertEquals("bootstrap.Bootstrap", NettyNames.relative("com.example.shaded.io.netty.bootstrap.Bootstrap"));
    }

    @Test
    void otherClassesHaveNone() {
        assertNull(NettyNames.relative("io.nettyx.channel.Channel"));
        assertNull(NettyNames.relative("reactor.netty.tcp.TcpClient"));
        assertNull(NettyNames.relative("com.fooio.netty.channel.Channel"), "io.netty. must start a package name");
        assertNull(NettyNames.root("java.lang.String"));
    }

    @Test
    void theIoUringTransportsClassesOfTheOriginalAndOfShadedCopies() {
        assertEquals("channel.uring.IoUringSocketChannel", NettyNames.relative("io.netty.channel.uring.IoUringSocketChannel"));
        assertEquals("channel.uring.AbstractIoUringChannel$AbstractUringUnsafe",
                NettyNames.relative("io.grpc.netty.shaded.io.netty.channel.uring.AbstractIoUringChannel$AbstractUringUnsafe"));
        assertEquals("com.example.shaded.io.netty.",
                NettyNames.root("com.example.shaded.io.netty.channel.uring.IoUringSocketChannel"));
    }

    @Test
    void nativeTransportClassesByInternalName() {
        assertTrue(NettyNames.isNativeTransportClass("io/netty/channel/epoll/Epoll"));
        assertTrue(NettyNames.isNativeTransportClass("io/grpc/netty/shaded/io/netty/channel/epoll/EpollEventLoopGroup"));
        assertTrue(NettyNames.isNativeTransportClass("io/netty/channel/uring/IoUring"));
        assertTrue(NettyNames.isNativeTransportClass("io/grpc/netty/shaded/io/netty/channel/uring/IoUringIoHandler"));
        assertTrue(NettyNames.isNativeTransportClass("com/example/shaded/io/netty/channel/uring/IoUringSocketChannel"));
        assertFalse(NettyNames.isNativeTransportClass("io/netty/channel/nio/NioEventLoopGroup"));
        assertFalse(NettyNames.isNativeTransportClass("io/netty/channel/kqueue/KQueue"));
        assertFalse(NettyNames.isNativeTransportClass("io/netty/channel/uringx/Other"), "uring/ is a whole package name");
        assertFalse(NettyNames.isNativeTransportClass("io/netty/incubator/channel/uring/IOUring"),
                "the incubator's io_uring (Netty 4.1) is not instrumented");
        assertFalse(NettyNames.isNativeTransportClass("com/fooio/netty/channel/uring/IoUring"));
        assertFalse(NettyNames.isNativeTransportClass("io/netty/channel/Channel"));
        assertFalse(NettyNames.isNativeTransportClass("java/lang/String"));
    }
}
