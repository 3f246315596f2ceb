package io.portwatch.instrument.jdk;

import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Type;

/**
 * {@code sun.nio.ch.SocketChannelImpl}, the JDK's only TCP socket channel (JDK 11 to 25), used
 * directly by NIO code, {@code java.net.http.HttpClient}, Netty-style clients, and through its
 * {@code socket()} adaptor. The methods matched exist in JDK 17 and 25 alike; the channel itself
 * is the connection's identity, so the adaptor's calls are never counted twice.
 *
 * <ul>
 *   <li>{@code connect(SocketAddress)}: blocking (returns true) or non-blocking (returns false,
 *       {@code finishConnect()} completes it later, often on another thread);</li>
 *   <li>{@code blockingConnect(SocketAddress, long)}: the adaptor's connect with a timeout;</li>
 *   <li>the constructor taking a {@code FileDescriptor}: a channel accepted by a server channel;</li>
 *   <li>{@code read}, {@code blockingRead} (the adaptor's stream): -1 is the peer's FIN;</li>
 *   <li>{@code write}, {@code blockingWriteFully}: a failure may be a reset;</li>
 *   <li>{@code bind(SocketAddress)}: a bind before connect changes where the port comes from;</li>
 *   <li>{@code implCloseSelectableChannel}: every close, interrupts included;</li>
 *   <li>{@code shutdownOutput()}, {@code setOption(SO_LINGER, 0)}: local FIN, RST.</li>
 * </ul>
 */
final class SocketChannelWeaver extends TypeWeaver {

    static final String NAME = "sun/nio/ch/SocketChannelImpl";

    private static final String FINISH_CONNECT_RETURNED = "(ZLjava/lang/Object;)V";
    private static final String FINISH_CONNECT_FAILED = "(Ljava/lang/Throwable;Ljava/lang/Object;)V";
    private static final String CHANNEL_CONNECT_RETURNED = "(ZLjava/lang/Object;Ljava/net/SocketAddress;J)V";

    SocketChannelWeaver(ClassVisitor next) {
        super(next);
    }

    @Override
    protected MethodVisitor weave(MethodVisitor next, int access, String name, String descriptor) {
        String arguments = arguments(descriptor);
        String returns = returns(descriptor);
        switch (name) {
            case "connect":
                return arguments.equals("(Ljava/net/SocketAddress;)") && returns.equals("Z")
                        ? connect(next, access, name, descriptor) : null;
            case "finishConnect":
                return descriptor.equals("()Z") ? finishConnect(next, access, name, descriptor) : null;
            case "blockingConnect":
                // blockingConnect(remote, nanos): as Socket.connect(endpoint, timeout)
                return arguments.startsWith("(Ljava/net/SocketAddress;") && Type.getArgumentTypes(descriptor).length == 2
                        ? SocketWeaver.timedConnect(next, owner, access, name, descriptor) : null;
            case "<init>":
                return isAcceptConstructor(descriptor) ? accepted(next, access, name, descriptor) : null;
            case "read":
                return returns.equals("I") || returns.equals("J") ? read(next, access, name, descriptor) : null;
            case "blockingRead":
                return returns.equals("I") ? read(next, access, name, descriptor) : null;
            case "write":
            case "blockingWriteFully":
                return write(next, access, name, descriptor);
            case "bind":
                // bind(local) { ...; JdkHooks.bound(this); return this; }
                return arguments.equals("(Ljava/net/SocketAddress;)")
                        ? SocketWeaver.onSuccess(next, owner, access, name, descriptor, "bound") : null;
            case "implCloseSelectableChannel":
                return SocketWeaver.closed(next, owner, access, name, descriptor);
            case "shutdownOutput":
                // shutdownOutput() { ...; JdkHooks.outputShutdown(this); return this; }
                return arguments.equals("()")
                        ? SocketWeaver.onSuccess(next, owner, access, name, descriptor, "outputShutdown") : null;
            case "setOption":
                return Type.getArgumentTypes(descriptor).length == 2
                        ? SocketWeaver.optionSet(next, owner, access, name, descriptor) : null;
            default:
                return null;
        }
    }

    /** {@code SocketChannelImpl(SelectorProvider, ProtocolFamily, FileDescriptor, SocketAddress)}: accepted. */
    private static boolean isAcceptConstructor(String descriptor) {
        Type[] arguments = Type.getArgumentTypes(descriptor);
        return arguments.length == 4 && arguments[2].getDescriptor().equals("Ljava/io/FileDescriptor;");
    }

    /**
     * <pre>{@code
     * boolean connect(remote) {
     *     long start = System.nanoTime();
     *     try { ...; JdkHooks.channelConnectReturned(connected, this, remote, start); return connected; }
     *     catch (Throwable t) { JdkHooks.connectFailed(t, this, remote, start); throw t; }
     * }
     * }</pre>
     */
    private MethodVisitor connect(MethodVisitor next, int access, String name, String descriptor) {
        return new HookedMethod(next, owner, access, name, descriptor,
                HookedMethod.AT_RETURN | HookedMethod.CATCH_THROWS | HookedMethod.TIMED) {
            @Override protected void atReturn(int opcode) {
                dupReturnValue(opcode);
                loadThis();
                loadArgument(0);
                loadStart();
                callHook("channelConnectReturned", CHANNEL_CONNECT_RETURNED);
            }

            @Override protected void atThrow() {
                dupThrowable();
                loadThis();
                loadArgument(0);
                loadStart();
                callHook("connectFailed", SocketWeaver.CONNECT_FAILED);
            }
        };
    }

    /**
     * <pre>{@code
     * boolean finishConnect() {
     *     try { ...; JdkHooks.finishConnectReturned(connected, this); return connected; }
     *     catch (Throwable t) { JdkHooks.finishConnectFailed(t, this); throw t; }
     * }
     * }</pre>
     */
    private MethodVisitor finishConnect(MethodVisitor next, int access, String name, String descriptor) {
        return new HookedMethod(next, owner, access, name, descriptor,
                HookedMethod.AT_RETURN | HookedMethod.CATCH_THROWS) {
            @Override protected void atReturn(int opcode) {
                dupReturnValue(opcode);
                loadThis();
                callHook("finishConnectReturned", FINISH_CONNECT_RETURNED);
            }

            @Override protected void atThrow() {
                dupThrowable();
                loadThis();
                callHook("finishConnectFailed", FINISH_CONNECT_FAILED);
            }
        };
    }

    /**
     * <pre>{@code
     * SocketChannelImpl(provider, family, fd, remote) { ...; JdkHooks.accepted(this); }
     * }</pre>
     * Only on success: a constructor that throws leaves no channel.
     */
    private MethodVisitor accepted(MethodVisitor next, int access, String name, String descriptor) {
        return SocketWeaver.onSuccess(next, owner, access, name, descriptor, "accepted");
    }

    /**
     * <pre>{@code
     * int read(...) {            // long read(ByteBuffer[], int, int) alike
     *     try { ...; JdkHooks.readReturned(n, this); return n; }
     *     catch (Throwable t) { JdkHooks.ioFailed(t, this); throw t; }
     * }
     * }</pre>
     */
    private MethodVisitor read(MethodVisitor next, int access, String name, String descriptor) {
        String readReturned = returns(descriptor).equals("J") ? "(JLjava/lang/Object;)V" : "(ILjava/lang/Object;)V";
        return new HookedMethod(next, owner, access, name, descriptor,
                HookedMethod.AT_RETURN | HookedMethod.CATCH_THROWS) {
            @Override protected void atReturn(int opcode) {
                dupReturnValue(opcode);
                loadThis();
                callHook("readReturned", readReturned);
            }

            @Override protected void atThrow() {
                dupThrowable();
                loadThis();
                callHook("ioFailed", SocketStreamWeaver.IO_FAILED);
            }
        };
    }

    /**
     * <pre>{@code
     * write(...) {
     *     try { ... }
     *     catch (Throwable t) { JdkHooks.ioFailed(t, this); throw t; }
     * }
     * }</pre>
     */
    private MethodVisitor write(MethodVisitor next, int access, String name, String descriptor) {
        return new HookedMethod(next, owner, access, name, descriptor, HookedMethod.CATCH_THROWS) {
            @Override protected void atThrow() {
                dupThrowable();
                loadThis();
                callHook("ioFailed", SocketStreamWeaver.IO_FAILED);
            }
        };
    }
}
