package io.portwatch.instrument.jdk;

import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;

/**
 * {@code java.net.Socket}. Every connecting constructor and overload ends in
 * {@code connect(SocketAddress, int)}, so that one method sees all outgoing connects; SSL sockets
 * call it through {@code super}. The channel adaptor ({@code channel.socket()}) overrides it
 * without doing so and is tracked through its channel instead, so nothing is counted twice.
 */
final class SocketWeaver extends TypeWeaver {

    static final String NAME = "java/net/Socket";

    static final String OBJECT = "(Ljava/lang/Object;)V";
    static final String CONNECTED = "(Ljava/lang/Object;Ljava/net/SocketAddress;J)V";
    static final String CONNECT_FAILED = "(Ljava/lang/Throwable;Ljava/lang/Object;Ljava/net/SocketAddress;J)V";
    static final String OPTION_SET = "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Object;)V";

    SocketWeaver(ClassVisitor next) {
        super(next);
    }

    @Override
    protected MethodVisitor weave(MethodVisitor next, int access, String name, String descriptor) {
        switch (name + arguments(descriptor)) {
            case "connect(Ljava/net/SocketAddress;I)":
                return timedConnect(next, owner, access, name, descriptor);
            case "bind(Ljava/net/SocketAddress;)":
                // bind(bindpoint) { ...; JdkHooks.bound(this); }
                return onSuccess(next, owner, access, name, descriptor, "bound");
            case "close()":
                return closed(next, owner, access, name, descriptor);
            case "shutdownOutput()":
                // shutdownOutput() { ...; JdkHooks.outputShutdown(this); }
                return onSuccess(next, owner, access, name, descriptor, "outputShutdown");
            case "setSoLinger(ZI)":
                // setSoLinger(on, linger) { ...; JdkHooks.soLingerSet(this, on, linger); }
                return new HookedMethod(next, owner, access, name, descriptor, HookedMethod.AT_RETURN) {
                    @Override protected void atReturn(int opcode) {
                        loadThis();
                        loadArgument(0);
                        loadArgument(1);
                        callHook("soLingerSet", "(Ljava/lang/Object;ZI)V");
                    }
                };
            case "setOption(Ljava/net/SocketOption;Ljava/lang/Object;)":
                return optionSet(next, owner, access, name, descriptor);
            default:
                return null;
        }
    }

    /**
     * <pre>{@code
     * connect(endpoint, timeout) {
     *     long start = System.nanoTime();
     *     try { ...; JdkHooks.connected(this, endpoint, start); }
     *     catch (Throwable t) { JdkHooks.connectFailed(t, this, endpoint, start); throw t; }
     * }
     * }</pre>
     * Also {@code SocketChannelImpl.blockingConnect(SocketAddress, long)}, the adaptor's connect.
     */
    static MethodVisitor timedConnect(MethodVisitor next, String owner, int access, String name, String descriptor) {
        return new HookedMethod(next, owner, access, name, descriptor,
                HookedMethod.AT_RETURN | HookedMethod.CATCH_THROWS | HookedMethod.TIMED) {
            @Override protected void atReturn(int opcode) {
                loadThis();
                loadArgument(0);
                loadStart();
                callHook("connected", CONNECTED);
            }

            @Override protected void atThrow() {
                dupThrowable();
                loadThis();
                loadArgument(0);
                loadStart();
                callHook("connectFailed", CONNECT_FAILED);
            }
        };
    }

    /**
     * <pre>{@code
     * close() {
     *     try { ...; JdkHooks.closed(this); }
     *     catch (Throwable t) { JdkHooks.closed(this); throw t; }
     * }
     * }</pre>
     * Also {@code SocketChannelImpl.implCloseSelectableChannel()}: a close that throws has closed.
     */
    static MethodVisitor closed(MethodVisitor next, String owner, int access, String name, String descriptor) {
        return new HookedMethod(next, owner, access, name, descriptor,
                HookedMethod.AT_RETURN | HookedMethod.CATCH_THROWS) {
            @Override protected void atReturn(int opcode) {
                loadThis();
                callHook("closed", OBJECT);
            }

            @Override protected void atThrow() {
                loadThis();
                callHook("closed", OBJECT);
            }
        };
    }

    /**
     * <pre>{@code
     * setOption(name, value) { ...; JdkHooks.optionSet(this, name, value); return this; }
     * }</pre>
     * Also {@code SocketChannelImpl.setOption}; the hook looks for SO_LINGER.
     */
    static MethodVisitor optionSet(MethodVisitor next, String owner, int access, String name, String descriptor) {
        return new HookedMethod(next, owner, access, name, descriptor, HookedMethod.AT_RETURN) {
            @Override protected void atReturn(int opcode) {
                loadThis();
                loadArgument(0);
                loadArgument(1);
                callHook("optionSet", OPTION_SET);
            }
        };
    }

    /** {@code bind(SocketAddress)} and {@code shutdownOutput()}: hooked on success with {@code this} alone. */
    static MethodVisitor onSuccess(MethodVisitor next, String owner, int access, String name, String descriptor,
                                   String hook) {
        return new HookedMethod(next, owner, access, name, descriptor, HookedMethod.AT_RETURN) {
            @Override protected void atReturn(int opcode) {
                loadThis();
                callHook(hook, OBJECT);
            }
        };
    }
}
