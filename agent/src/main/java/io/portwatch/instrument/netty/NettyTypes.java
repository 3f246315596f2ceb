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
 * same methods exist in Netty 4.1 and 4.2 (checked with {@code javap} on 4.1.137 and 4.2.18, and
 * by NettyEpollTrackingIT on both).
 */
public final class NettyTypes {

    static final String BOOTSTRAP = "bootstrap.Bootstrap";
    static final String EPOLL_CHANNEL = "channel.epoll.AbstractEpollChannel";
    static final String EPOLL_UNSAFE = "channel.epoll.AbstractEpollChannel$AbstractEpollUnsafe";
    static final String EPOLL_STREAM_CHANNEL = "channel.epoll.AbstractEpollStreamChannel";
    static final String EPOLL_SOCKET_CHANNEL = "channel.epoll.EpollSocketChannel";
    static final String EPOLL_SOCKET_CONFIG = "channel.epoll.EpollSocketChannelConfig";

    private static final Set<String> INSTRUMENTED = Collections.unmodifiableSet(new HashSet<>(Arrays.asList(
            BOOTSTRAP, EPOLL_CHANNEL, EPOLL_UNSAFE, EPOLL_STREAM_CHANNEL, EPOLL_SOCKET_CHANNEL, EPOLL_SOCKET_CONFIG)));

    private NettyTypes() {}

    /** One instrumentation per Netty type. */
    public static List<TypeInstrumentation> instrumentations() {
        return Arrays.asList(new BootstrapInstrumentation(), new EpollChannelInstrumentation(),
                new EpollUnsafeInstrumentation(), new EpollStreamChannelInstrumentation(),
                new EpollSocketChannelInstrumentation(), new EpollSocketConfigInstrumentation());
    }

    /** True for a class, by its binary name, that one of the instrumentations matches. */
    public static boolean isInstrumented(String className) {
        String relative = NettyNames.relative(className);
        return relative != null && INSTRUMENTED.contains(relative);
    }

    /** Matches the type named {@code relative} inside any copy of Netty. */
    static ElementMatcher.Junction<TypeDescription> named(String relative) {
        return new ElementMatcher.Junction.AbstractBase<TypeDescription>() {
            @Override
            public boolean matches(TypeDescription type) {
                return relative.equals(NettyNames.relative(type.getName()));
            }

            @Override
            public String toString() {
                return "netty type " + relative;
            }
        };
    }
}
