package io.portwatch.instrument.jdk;

import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Type;

/**
 * {@code sun.nio.ch.UnixAsynchronousSocketChannelImpl}: every {@code AsynchronousSocketChannel}
 * on Linux, those it connects and those an {@code AsynchronousServerSocketChannel} accepts. Its
 * operations complete either at once, on the caller's thread, or later on a thread of the
 * channel group; each kind has its method ({@code implConnect} and the private
 * {@code finishConnect(boolean)}, alike for reads and writes), and both end by handing a result
 * and an exception to a handler or a future: that is where the hooks go ({@link OutcomeCalls}).
 * The methods matched exist in JDK 17 and 25 alike.
 *
 * <ul>
 *   <li>{@code implConnect}: the attempt starts just before {@code Net.connect}; its outcome, at
 *       once or in {@code finishConnect(boolean)};</li>
 *   <li>the constructor taking a {@code FileDescriptor}: a channel accepted by a server channel;</li>
 *   <li>{@code implRead}, {@code finishRead(boolean)}: -1 is the peer's FIN, an error may be a reset;</li>
 *   <li>{@code implWrite}, {@code finishWrite(boolean)}: an error may be a reset;</li>
 *   <li>{@code implClose}: every close ({@code AsynchronousSocketChannelImpl.close()} calls it once).</li>
 * </ul>
 * A failed connect closes its channel before it hands the error on; the tracker keeps a channel
 * closed while connecting a moment for that error, as it does for {@code SocketChannelImpl}.
 */
final class UnixAsyncSocketChannelWeaver extends TypeWeaver {

    static final String NAME = "sun/nio/ch/UnixAsynchronousSocketChannelImpl";

    UnixAsyncSocketChannelWeaver(ClassVisitor next) {
        super(next);
    }

    @Override
    protected MethodVisitor weave(MethodVisitor next, int access, String name, String descriptor) {
        switch (name + descriptor) {
            case "finishConnect(Z)V":
                return new OutcomeCalls(next, "asyncConnectEnded", null);
            case "finishRead(Z)V":
                return new OutcomeCalls(next, "asyncReadEnded", null);
            case "finishWrite(Z)V":
                return new OutcomeCalls(next, "asyncWriteEnded", null);
            case "implClose()V":
                return SocketWeaver.closed(next, owner, access, name, descriptor);
            default:
                break;
        }
        switch (name) {
            case "implConnect":
                return arguments(descriptor).startsWith("(Ljava/net/SocketAddress;")
                        ? new OutcomeCalls(next, "asyncConnectEnded", "sun/nio/ch/Net.connect") : null;
            case "implRead":
                return new OutcomeCalls(next, "asyncReadEnded", null);
            case "implWrite":
                return new OutcomeCalls(next, "asyncWriteEnded", null);
            case "<init>":
                // (Port, FileDescriptor, InetSocketAddress): accepted; { ...; JdkHooks.accepted(this); }
                return isAcceptConstructor(descriptor)
                        ? SocketWeaver.onSuccess(next, owner, access, name, descriptor, "accepted") : null;
            default:
                return null;
        }
    }

    private static boolean isAcceptConstructor(String descriptor) {
        Type[] arguments = Type.getArgumentTypes(descriptor);
        return arguments.length == 3 && arguments[1].getDescriptor().equals("Ljava/io/FileDescriptor;");
    }
}
