package io.portwatch.track;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.SocketAddress;

/**
 * What the agent needs to know of a Netty channel's class, found once per class: whether its
 * channels are TCP connections (the advice sits in code that epoll's datagram and Unix-domain
 * channels share), and how to read their endpoints. Those are read through Netty's public
 * {@code Channel.localAddress()} and {@code remoteAddress()}, which return the addresses the
 * channel cached when it connected or was accepted: no system call. The agent has no Netty
 * types, and a shaded copy has other ones, so the methods are found by name in the copy the
 * channel's class comes from.
 */
final class NettyChannels {

    /** The epoll transport's only TCP channel; final, so no subclass to look for. */
    static final String TCP_CHANNEL = "channel.epoll.EpollSocketChannel";

    /** A channel class: TCP or not, and its endpoint readers. */
    static final class Kind {
        static final Kind OTHER = new Kind(null, null);

        /** Null for a class whose channels are not TCP connections. */
        final MethodHandle localAddress;
        final MethodHandle remoteAddress;

        private Kind(MethodHandle localAddress, MethodHandle remoteAddress) {
            this.localAddress = localAddress;
            this.remoteAddress = remoteAddress;
        }

        boolean isTcp() {
            return localAddress != null;
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

    private static Kind kindOf(Class<?> type) {
        String name = type.getName();
        if (!TCP_CHANNEL.equals(NettyNames.relative(name))) {
            return Kind.OTHER;
        }
        try {
            Class<?> channel = Class.forName(NettyNames.root(name) + "channel.Channel", false, type.getClassLoader());
            MethodType reader = MethodType.methodType(SocketAddress.class, Object.class);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            return new Kind(
                    lookup.findVirtual(channel, "localAddress", MethodType.methodType(SocketAddress.class)).asType(reader),
                    lookup.findVirtual(channel, "remoteAddress", MethodType.methodType(SocketAddress.class)).asType(reader));
        } catch (ReflectiveOperationException | LinkageError | RuntimeException notNettyAfterAll) {
            return Kind.OTHER;
        }
    }
}
