package io.portwatch.instrument.jdk;

import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;

/**
 * {@code java.net.ServerSocket}: {@code accept()} and the SSL server socket's own accept both hand
 * the new socket to {@code implAccept(Socket)}, which is public API and the same in every JDK.
 */
final class ServerSocketWeaver extends TypeWeaver {

    static final String NAME = "java/net/ServerSocket";

    ServerSocketWeaver(ClassVisitor next) {
        super(next);
    }

    /**
     * <pre>{@code
     * protected final void implAccept(Socket s) { ...; JdkHooks.accepted(s); }
     * }</pre>
     */
    @Override
    protected MethodVisitor weave(MethodVisitor next, int access, String name, String descriptor) {
        if (!(name + arguments(descriptor)).equals("implAccept(Ljava/net/Socket;)")) {
            return null;
        }
        return new HookedMethod(next, owner, access, name, descriptor, HookedMethod.AT_RETURN) {
            @Override protected void atReturn(int opcode) {
                loadArgument(0);
                callHook("accepted", SocketWeaver.OBJECT);
            }
        };
    }
}
