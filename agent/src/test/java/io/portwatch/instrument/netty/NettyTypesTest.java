package io.portwatch.instrument.netty;

import io.portwatch.instrument.TypeInstrumentation;
import net.bytebuddy.description.modifier.ModifierContributor;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which classes the Netty instrumentations match: by name alone, in Netty and in its shaded copies. */
class NettyTypesTest {

    private static final String[] PREFIXES = {"io.netty.", "io.grpc.netty.shaded.io.netty.", "com.example.shaded.io.netty."};

    @Test
    void theIoUringTypesAreMatchedInEveryCopyOfNetty() {
        for (String prefix : PREFIXES) {
            for (String relative : List.of("channel.uring.AbstractIoUringChannel",
                    "channel.uring.AbstractIoUringChannel$AbstractUringUnsafe",
                    "channel.uring.AbstractIoUringStreamChannel", "channel.uring.IoUringSocketChannel",
                    "channel.uring.IoUringSocketChannelConfig")) {
                String name = prefix + relative;
                assertEquals(1, matching(name).size(), () -> "one instrumentation for " + name + ": " + matching(name));
                assertTrue(NettyTypes.isInstrumented(name), name);
            }
        }
    }

    @Test
    void theEpollTypesStillAre() {
        for (String prefix : PREFIXES) {
            for (String relative : List.of("bootstrap.Bootstrap", "channel.epoll.AbstractEpollChannel",
                    "channel.epoll.AbstractEpollChannel$AbstractEpollUnsafe", "channel.epoll.AbstractEpollStreamChannel",
                    "channel.epoll.EpollSocketChannel", "channel.epoll.EpollSocketChannelConfig")) {
                String name = prefix + relative;
                assertEquals(1, matching(name).size(), () -> "one instrumentation for " + name + ": " + matching(name));
                assertTrue(NettyTypes.isInstrumented(name), name);
            }
        }
    }

    @Test
    void otherTypesAreNot() {
        for (String name : List.of("io.netty.channel.uring.IoUringServerSocketChannel",
                "io.netty.channel.uring.IoUringDatagramChannel", "io.netty.channel.uring.IoUringDomainSocketChannel",
                "io.netty.channel.uring.AbstractIoUringServerChannel",
                "io.netty.channel.uring.AbstractIoUringStreamChannel$IoUringStreamUnsafe",
                "io.netty.incubator.channel.uring.IOUringSocketChannel", "io.netty.channel.socket.nio.NioSocketChannel",
                "io.nettyx.channel.uring.IoUringSocketChannel", "com.fooio.netty.channel.uring.IoUringSocketChannel",
                "channel.uring.IoUringSocketChannel")) {
            assertEquals(List.of(), matching(name), name);
            assertFalse(NettyTypes.isInstrumented(name), name);
        }
    }

    /** The instrumentations whose type matcher matches a type of that name, described without loading anything. */
    private static List<String> matching(String name) {
        TypeDescription type = new TypeDescription.Latent(name, ModifierContributor.EMPTY_MASK,
                TypeDescription.Generic.OBJECT);
        List<String> out = new ArrayList<>();
        for (TypeInstrumentation i : NettyTypes.instrumentations()) {
            if (i.type().matches(type)) out.add(i.getClass().getSimpleName());
        }
        return out;
    }
}
