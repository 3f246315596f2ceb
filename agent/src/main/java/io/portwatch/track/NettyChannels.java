package io.portwatch.track;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.SocketAddress;

/**
 * What the agent needs to know of a Netty channel's class, found once per class: whether its
 * channels are TCP connections (the advice sits in code that the native transports' datagram and
 * Unix-domain channels share), which transport they belong to, and how to read their endpoints.
 * Those are read through Netty's public {@code Channel.localAddress()} and {@code remoteAddress()},
 * which return the addresses the channel cached when it connected or was accepted: no system call.
 * The agent has no Netty types, and a shaded copy has other ones, so the methods are found by name
 * in the copy the channel's class comes from.
 */
final class NettyChannels {

    /** The epoll transport's only TCP channel; final, so no subclass to look for. */
    static final String EPOLL_TCP_CHANNEL = "channel.epoll.EpollSocketChannel";
    /** The io_uring transport's only TCP channel (Netty 4.2); final too. */
    static final String IO_URING_TCP_CHANNEL = "channel.uring.IoUringSocketChannel";

    /** The spans' {@code portwatch.api} of each transport. */
    static final String EPOLL_API = "netty_epoll";
    static final String IO_URING_API = "netty_io_uring";

    /** A channel class: TCP or not, its transport, and its endpoint readers. */
    static final class Kind {
        static final Kind OTHER = new Kind(null, null, null, null);

        /** Null for a class whose channels are not TCP connections. */
        final String api;
        final MethodHandle localAddress;
        final MethodHandle remoteAddress;
        /** {@code Future.cause()} of the same copy of Netty: why a promise failed, or null. */
        final MethodHandle cause;

        private Kind(String api, MethodHandle localAddress, MethodHandle remoteAddress, MethodHandle cause) {
            this.api = api;
            this.localAddress = localAddress;
            this.remoteAddress = remoteAddress;
            this.cause = cause;
        }

        boolean isTcp() {
            return api != null;
        }
    }

    private static final ClassValue<Kind> KINDS = new ClassValue<Kind>() {
        @Override
        protected Kind computeValue(Class<?> type) {
            return kindOf(type);
        }
    };

    private NettyChannels() {}

    /** The kind of {@code channel}'s class: a lookup in a per-class slot once it was found. */
    static Kind of(Object channel) {
        return KINDS.get(channel.getClass());
    }

    /** The channel's local (or remote) address, or null when it cannot be read (closed meanwhile). */
    static SocketAddress address(MethodHandle reader, Object channel) {
        try {
            return (SocketAddress) reader.invokeExact(channel);
        } catch (Throwable closedOrOdd) {
            return null;
        }
    }

    /** Why a promise of the channel's copy of Netty failed; null while it has not (or cannot be read). */
    static Throwable failure(Kind kind, Object promise) {
        try {
            return (Throwable) kind.cause.invokeExact(promise);
        } catch (Throwable odd) {
            return null;
        }
    }

    private static Kind kindOf(Class<?> type) {
        String name = type.getName();
        String relative = NettyNames.relative(name);
        String api = EPOLL_TCP_CHANNEL.equals(relative) ? EPOLL_API
                : IO_URING_TCP_CHANNEL.equals(relative) ? IO_URING_API : null;
        if (api == null) {
            return Kind.OTHER;
        }
        try {
            String root = NettyNames.root(name);
            ClassLoader loader = type.getClassLoader();
            Class<?> channel = Class.forName(root + "channel.Channel", false, loader);
            Class<?> future = Class.forName(root + "util.concurrent.Future", false, loader);
            MethodType reader = MethodType.methodType(SocketAddress.class, Object.class);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            return new Kind(api,
                    lookup.findVirtual(channel, "localAddress", MethodType.methodType(SocketAddress.class)).asType(reader),
                    lookup.findVirtual(channel, "remoteAddress", MethodType.methodType(SocketAddress.class)).asType(reader),
                    lookup.findVirtual(future, "cause", MethodType.methodType(Throwable.class))
                            .asType(MethodType.methodType(Throwable.class, Object.class)));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException notNettyAfterAll) {
            return Kind.OTHER;
        }
    }
}
