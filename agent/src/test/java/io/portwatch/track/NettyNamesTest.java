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
    void epollClassesByInternalName() {
        assertTrue(NettyNames.isEpollClass("io/netty/channel/epoll/Epoll"));
        assertTrue(NettyNames.isEpollClass("io/grpc/netty/shaded/io/netty/channel/epoll/EpollEventLoopGroup"));
        assertFalse(NettyNames.isEpollClass("io/netty/channel/nio/NioEventLoopGroup"));
        assertFalse(NettyNames.isEpollClass("io/netty/channel/kqueue/KQueue"));
        assertFalse(NettyNames.isEpollClass("java/lang/String"));
    }
}
