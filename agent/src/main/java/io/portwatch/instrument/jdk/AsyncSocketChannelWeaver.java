package io.portwatch.instrument.jdk;

import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;

/**
 * {@code sun.nio.ch.AsynchronousSocketChannelImpl}, the base class of
 * {@link UnixAsyncSocketChannelWeaver}'s: the operations that are final there and the same on
 * every platform. An {@code AsynchronousSocketChannel} does not support {@code SO_LINGER}
 * ({@code setOption} refuses it), so none of its closes is a reset of its own making; a reset by
 * the peer is seen by its reads and writes.
 *
 * <ul>
 *   <li>{@code bind(SocketAddress)}: bound before connect, the port comes from bind();</li>
 *   <li>{@code shutdownOutput()}: this side's FIN.</li>
 * </ul>
 */
final class AsyncSocketChannelWeaver extends TypeWeaver {

    static final String NAME = "sun/nio/ch/AsynchronousSocketChannelImpl";

    AsyncSocketChannelWeaver(ClassVisitor next) {
        super(next);
    }

    @Override
    protected MethodVisitor weave(MethodVisitor next, int access, String name, String descriptor) {
        switch (name + arguments(descriptor)) {
            case "bind(Ljava/net/SocketAddress;)":
                // bind(local) { ...; JdkHooks.bound(this); return this; }
                return SocketWeaver.onSuccess(next, owner, access, name, descriptor, "bound");
            case "shutdownOutput()":
                // shutdownOutput() { ...; JdkHooks.outputShutdown(this); return this; }
                return SocketWeaver.onSuccess(next, owner, access, name, descriptor, "outputShutdown");
            default:
                return null;
        }
    }
}
