package io.portwatch.instrument.jdk;

import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;

/**
 * The streams of {@code java.net.Socket} (JDK 13+: {@code Socket$SocketInputStream} and
 * {@code Socket$SocketOutputStream}), which know their socket as {@code parent}: the hooks report
 * on the socket, the connection's identity. Fields are visited before methods, so the type of
 * {@code parent} is known when the methods come; a JDK without it is left as it is.
 */
abstract class SocketStreamWeaver extends TypeWeaver {

    private static final String PARENT = "parent";
    static final String IO_FAILED = "(Ljava/lang/Throwable;Ljava/lang/Object;)V";

    /** The descriptor of {@code parent}, or null while not seen. */
    private String parentDescriptor;

    SocketStreamWeaver(ClassVisitor next) {
        super(next);
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        if (name.equals(PARENT) && descriptor.startsWith("L")) {
            parentDescriptor = descriptor;
        }
        return super.visitField(access, name, descriptor, signature, value);
    }

    @Override
    protected final MethodVisitor weave(MethodVisitor next, int access, String name, String descriptor) {
        return parentDescriptor == null ? null : weaveStream(next, access, name, descriptor);
    }

    /** The method with its hooks, or null; {@link #loadParent} pushes the socket. */
    protected abstract MethodVisitor weaveStream(MethodVisitor next, int access, String name, String descriptor);

    final void loadParent(HookedMethod method) {
        method.loadField(PARENT, parentDescriptor);
    }

    /** {@code java.net.Socket$SocketInputStream}: -1 is the peer's FIN, a failure may be a reset. */
    static final class Input extends SocketStreamWeaver {
        static final String NAME = "java/net/Socket$SocketInputStream";

        Input(ClassVisitor next) {
            super(next);
        }

        /**
         * <pre>{@code
         * int read(...) {
         *     try { ...; JdkHooks.readReturned(n, parent); return n; }
         *     catch (Throwable t) { JdkHooks.ioFailed(t, parent); throw t; }
         * }
         * }</pre>
         * On the normal path that costs one comparison, once the JIT inlines the hook.
         */
        @Override
        protected MethodVisitor weaveStream(MethodVisitor next, int access, String name, String descriptor) {
            if (!name.equals("read") || !returns(descriptor).equals("I")) {
                return null;
            }
            return new HookedMethod(next, owner, access, name, descriptor,
                    HookedMethod.AT_RETURN | HookedMethod.CATCH_THROWS) {
                @Override protected void atReturn(int opcode) {
                    dupReturnValue(opcode);
                    loadParent(this);
                    callHook("readReturned", "(ILjava/lang/Object;)V");
                }

                @Override protected void atThrow() {
                    dupThrowable();
                    loadParent(this);
                    callHook("ioFailed", IO_FAILED);
                }
            };
        }
    }

    /** {@code java.net.Socket$SocketOutputStream}: a write that fails may mean a reset. */
    static final class Output extends SocketStreamWeaver {
        static final String NAME = "java/net/Socket$SocketOutputStream";

        Output(ClassVisitor next) {
            super(next);
        }

        /**
         * <pre>{@code
         * void write(...) {
         *     try { ... }
         *     catch (Throwable t) { JdkHooks.ioFailed(t, parent); throw t; }
         * }
         * }</pre>
         */
        @Override
        protected MethodVisitor weaveStream(MethodVisitor next, int access, String name, String descriptor) {
            if (!name.equals("write")) {
                return null;
            }
            return new HookedMethod(next, owner, access, name, descriptor, HookedMethod.CATCH_THROWS) {
                @Override protected void atThrow() {
                    dupThrowable();
                    loadParent(this);
                    callHook("ioFailed", IO_FAILED);
                }
            };
        }
    }
}
