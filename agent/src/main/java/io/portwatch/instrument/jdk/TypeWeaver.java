package io.portwatch.instrument.jdk;

import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.util.ArrayList;
import java.util.List;

/**
 * Weaves one JDK type: picks its methods by name and argument types, and wraps each in a
 * {@link HookedMethod}. Methods without code, and the bridges the compiler adds for covariant
 * returns (they only call the real method, which is woven), are left as they are.
 */
abstract class TypeWeaver extends ClassVisitor {

    /** The internal name of the type being woven. */
    protected String owner;
    private final List<String> woven = new ArrayList<>();
    /** The woven class file, once written. */
    byte[] bytes;

    TypeWeaver(ClassVisitor next) {
        super(Opcodes.ASM9, next);
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        owner = name;
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public final MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                           String[] exceptions) {
        MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
        if ((access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC)) != 0) {
            return next;
        }
        MethodVisitor hooked = weave(next, access, name, descriptor);
        if (hooked == null) {
            return next;
        }
        woven.add(name + descriptor);
        return hooked;
    }

    /** The method with its hooks, or null when this method is not one to hook. */
    protected abstract MethodVisitor weave(MethodVisitor next, int access, String name, String descriptor);

    /** The methods woven so far, as name and descriptor. */
    List<String> woven() {
        return woven;
    }

    /** The argument list of a descriptor, e.g. {@code (Ljava/net/SocketAddress;I)}: what a method is matched on. */
    static String arguments(String descriptor) {
        return descriptor.substring(0, descriptor.indexOf(')') + 1);
    }

    /** The return type of a descriptor, e.g. {@code I}. */
    static String returns(String descriptor) {
        return descriptor.substring(descriptor.indexOf(')') + 1);
    }
}
