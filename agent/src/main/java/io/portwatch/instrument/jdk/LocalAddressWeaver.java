package io.portwatch.instrument.jdk;

import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * {@code sun.nio.ch.Net.localAddress(FileDescriptor)}: the JDK's own {@code getsockname}. Every
 * {@code Socket} connect and accept calls it (since JDK 13) to learn the local port, and drops the
 * address it read with it. Handed to the listener, that address spares the tracker asking the
 * socket again, which costs two more system calls on the application's thread for each connection.
 * Not found (another JDK), nothing changes: the tracker asks the socket.
 */
final class LocalAddressWeaver extends TypeWeaver {

    static final String NAME = "sun/nio/ch/Net";

    LocalAddressWeaver(ClassVisitor next) {
        super(next);
    }

    /**
     * <pre>{@code
     * static InetSocketAddress localAddress(FileDescriptor fd) { ...; JdkHooks.localAddressRead(address); return address; }
     * }</pre>
     */
    @Override
    protected MethodVisitor weave(MethodVisitor next, int access, String name, String descriptor) {
        if ((access & Opcodes.ACC_STATIC) == 0
                || !descriptor.equals("(Ljava/io/FileDescriptor;)Ljava/net/InetSocketAddress;")
                || !name.equals("localAddress")) {
            return null;
        }
        return new HookedMethod(next, owner, access, name, descriptor, HookedMethod.AT_RETURN) {
            @Override protected void atReturn(int opcode) {
                dupReturnValue(opcode);
                callHook("localAddressRead", "(Ljava/net/InetSocketAddress;)V");
            }
        };
    }
}
