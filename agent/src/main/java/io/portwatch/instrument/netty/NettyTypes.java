package io.portwatch.instrument.netty;

import io.portwatch.instrument.TypeInstrumentation;
import io.portwatch.track.NettyNames;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Netty types instrumented, by their name inside Netty ({@link NettyNames}), so that shaded
 * copies (grpc-netty-shaded's {@code io.grpc.netty.shaded.io.netty.}) are instrumented too. The
 * epoll methods exist in Netty 4.1 and 4.2 (checked with {@code javap} on 4.1.137 and 4.2.18, and
 * by NettyEpollTrackingIT on both); the io_uring ones, 4.2's alone, in 4.2.10, 4.2.18 and 4.2.21
 * ({@code javap}; NettyIoUringTrackingIT runs 4.2.18).
 */
public final class NettyTypes {

    static final String BOOTSTRAP = "bootstrap.Bootstrap";
    static final String EPOLL_CHANNEL = "channel.epoll.AbstractEpollChannel";
    static final String EPOLL_UNSAFE = "channel.epoll.AbstractEpollChannel$AbstractEpollUnsafe";
    static final String EPOLL_STREAM_CHANNEL = "channel.epoll.AbstractEpollStreamChannel";
    static final String EPOLL_SOCKET_CHANNEL = "channel.epoll.EpollSocketChannel";
    static final String EPOLL_SOCKET_CONFIG = "channel.epoll.EpollSocketChannelConfig";
    static final String IO_URING_CHANNEL = "channel.uring.AbstractIoUringChannel";
    static final String IO_URING_UNSAFE = "channel.uring.AbstractIoUringChannel$AbstractUringUnsafe";
    static final String IO_URING_STREAM_CHANNEL = "channel.uring.AbstractIoUringStreamChannel";
    static final String IO_URING_SOCKET_CHANNEL = "channel.uring.IoUringSocketChannel";
    static final String IO_URING_SOCKET_CONFIG = "channel.uring.IoUringSocketChannelConfig";

    private static final Set<String> INSTRUMENTED = Collections.unmodifiableSet(new HashSet<>(Arrays.asList(
            BOOTSTRAP, EPOLL_CHANNEL, EPOLL_UNSAFE, EPOLL_STREAM_CHANNEL, EPOLL_SOCKET_CHANNEL, EPOLL_SOCKET_CONFIG,
            IO_URING_CHANNEL, IO_URING_UNSAFE, IO_URING_STREAM_CHANNEL, IO_URING_SOCKET_CHANNEL,
            IO_URING_SOCKET_CONFIG)));

    private NettyTypes() {}

    /** One instrumentation per Netty type. */
    public static List<TypeInstrumentation> instrumentations() {
        return Arrays.asList(new BootstrapInstrumentation(), new SocketConfigInstrumentation(),
                new EpollChannelInstrumentation(), new EpollUnsafeInstrumentation(),
                new EpollStreamChannelInstrumentation(), new EpollSocketChannelInstrumentation(),
                new IoUringChannelInstrumentation(), new IoUringUnsafeInstrumentation(),
                new IoUringStreamChannelInstrumentation(), new IoUringSocketChannelInstrumentation());
    }

    /** True for a class, by its binary name, that one of the instrumentations matches. */
    public static boolean isInstrumented(String className) {
        String relative = NettyNames.relative(className);
        return relative != null && INSTRUMENTED.contains(relative);
    }

    /** Matches the types named {@code relatives} inside any copy of Netty; by name alone, nothing is loaded. */
    static ElementMatcher.Junction<TypeDescription> named(String... relatives) {
        List<String> names = Arrays.asList(relatives);
        return new ElementMatcher.Junction.AbstractBase<TypeDescription>() {
            @Override
            public boolean matches(TypeDescription type) {
                String relative = NettyNames.relative(type.getName());
                return relative != null && names.contains(relative);
            }

            @Override
            public String toString() {
                return "netty type " + names;
            }
        };
    }
}
