package io.portwatch.instrument.jdk;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * One JDK method with calls to {@code JdkHooks} woven in where it ends. In Java terms, for a
 * method woven with every option:
 * <pre>{@code
 * R method(A a) {
 *     long start = System.nanoTime();              // TIMED
 *     try {
 *         ... the method's own body, where every `return v;` becomes:
 *         atReturn(v); return v;                   // the subclass pushes what its hook needs
 *     } catch (Throwable t) {                      // CATCH_THROWS
 *         atThrow(t);
 *         throw t;
 *     }
 * }
 * }</pre>
 *
 * <p>The catch covers the whole body and comes last in the exception table, so the method's own
 * handlers still see their exceptions first; an explicit {@code throw} inside the body reaches it
 * like any other. Frames stay valid by construction rather than being recomputed (computing them
 * would load classes, from inside a transformation of {@code java.base}): the reader expands every
 * frame, {@code start} takes the slot right after the arguments and the method's own locals move up
 * by two, so each frame gets a {@code long} inserted there; the handler's frame is the arguments
 * (and {@code start}) with the {@code Throwable} on the stack. Those slots hold the same types
 * everywhere in the body, as they always do in compiled Java, so that frame holds for every
 * instruction the catch covers. Constructors are only ever hooked at their returns.
 */
abstract class HookedMethod extends MethodVisitor {

    /** Calls the hook on every normal return. */
    static final int AT_RETURN = 1;
    /** Wraps the body in the catch-all that calls the hook and rethrows. */
    static final int CATCH_THROWS = 2;
    /** Records {@code System.nanoTime()} on entry, in a local of its own ({@link #loadStart()}). */
    static final int TIMED = 4;

    static final String HOOKS = "io/portwatch/bootstrap/JdkHooks";

    private final boolean isStatic;
    private final String owner;
    private final String descriptor;
    private final int options;
    /** The slot of {@code start}, right after the arguments; -1 when not timed. */
    private final int startSlot;
    private final Label bodyStart = new Label();

    HookedMethod(MethodVisitor next, String owner, int access, String name, String descriptor, int options) {
        super(Opcodes.ASM9, next);
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.owner = owner;
        this.descriptor = descriptor;
        this.options = options;
        if (name.equals("<init>") && (options & (CATCH_THROWS | TIMED)) != 0) {
            // Before its super() call a constructor's `this` is uninitialized: no catch may cover it.
            throw new IllegalArgumentException("a constructor can only be hooked at its returns");
        }
        this.startSlot = (options & TIMED) != 0 ? argumentSlots() : -1;
    }

    /** Pushes what the hook needs and calls it, at a {@code return}; the return value is on top and must stay. */
    protected void atReturn(int returnOpcode) {}

    /** Pushes what the hook needs and calls it, in the catch-all; the {@code Throwable} is on top and must stay. */
    protected void atThrow() {}

    // ---- what the subclasses push -----------------------------------------------------------

    protected final void loadThis() {
        super.visitVarInsn(Opcodes.ALOAD, 0);
    }

    /** Pushes argument {@code index} (0 is the first after {@code this}). */
    protected final void loadArgument(int index) {
        Type[] arguments = Type.getArgumentTypes(descriptor);
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < index; i++) {
            slot += arguments[i].getSize();
        }
        super.visitVarInsn(arguments[index].getOpcode(Opcodes.ILOAD), slot);
    }

    /** Pushes {@code this.field}, a field of the class being woven. */
    protected final void loadField(String field, String fieldDescriptor) {
        loadThis();
        super.visitFieldInsn(Opcodes.GETFIELD, owner, field, fieldDescriptor);
    }

    protected final void loadStart() {
        super.visitVarInsn(Opcodes.LLOAD, startSlot);
    }

    /** Duplicates the value about to be returned, for a hook to take. */
    protected final void dupReturnValue(int returnOpcode) {
        super.visitInsn(returnOpcode == Opcodes.LRETURN || returnOpcode == Opcodes.DRETURN ? Opcodes.DUP2 : Opcodes.DUP);
    }

    /** Duplicates the Throwable about to be rethrown, for a hook to take. */
    protected final void dupThrowable() {
        super.visitInsn(Opcodes.DUP);
    }

    protected final void callHook(String name, String hookDescriptor) {
        super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, name, hookDescriptor, false);
    }

    // ---- the mechanics ----------------------------------------------------------------------

    @Override
    public void visitCode() {
        super.visitCode();
        if (startSlot >= 0) {
            super.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/System", "nanoTime", "()J", false);
            super.visitVarInsn(Opcodes.LSTORE, startSlot);
        }
        if ((options & CATCH_THROWS) != 0) {
            super.visitLabel(bodyStart);
        }
    }

    @Override
    public void visitInsn(int opcode) {
        if ((options & AT_RETURN) != 0 && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            atReturn(opcode);
        }
        super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        if ((options & CATCH_THROWS) != 0) {
            Label bodyEnd = new Label();
            Label handler = new Label();
            super.visitLabel(bodyEnd);
            // Visited last, so it is the last entry of the exception table: the outermost handler.
            super.visitTryCatchBlock(bodyStart, bodyEnd, handler, "java/lang/Throwable");
            super.visitLabel(handler);
            Object[] locals = handlerLocals();
            super.visitFrame(Opcodes.F_NEW, locals.length, locals, 1, new Object[] {"java/lang/Throwable"});
            atThrow();
            super.visitInsn(Opcodes.ATHROW);
        }
        // COMPUTE_MAXS recomputes both; the +2 is start's.
        super.visitMaxs(maxStack, maxLocals + (startSlot >= 0 ? 2 : 0));
    }

    /** The arguments, and start when timed: what every instruction of the body agrees on. */
    private Object[] handlerLocals() {
        Type[] arguments = Type.getArgumentTypes(descriptor);
        int first = isStatic ? 0 : 1;
        Object[] locals = new Object[first + arguments.length + (startSlot >= 0 ? 1 : 0)];
        if (!isStatic) {
            locals[0] = owner;
        }
        for (int i = 0; i < arguments.length; i++) {
            locals[first + i] = frameType(arguments[i]);
        }
        if (startSlot >= 0) {
            locals[locals.length - 1] = Opcodes.LONG;
        }
        return locals;
    }

    private static Object frameType(Type type) {
        switch (type.getSort()) {
            case Type.BOOLEAN:
            case Type.BYTE:
            case Type.CHAR:
            case Type.SHORT:
            case Type.INT:
                return Opcodes.INTEGER;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            default:
                return type.getInternalName(); // an array's descriptor, a class's internal name
        }
    }

    private int argumentSlots() {
        return (Type.getArgumentsAndReturnSizes(descriptor) >> 2) - (isStatic ? 1 : 0);
    }

    // ---- start's slot: the method's own locals move up by two ---------------------------------

    private int moved(int slot) {
        return startSlot >= 0 && slot >= startSlot ? slot + 2 : slot;
    }

    @Override
    public void visitVarInsn(int opcode, int slot) {
        super.visitVarInsn(opcode, moved(slot));
    }

    @Override
    public void visitIincInsn(int slot, int increment) {
        super.visitIincInsn(moved(slot), increment);
    }

    @Override
    public void visitLocalVariable(String name, String desc, String signature, Label start, Label end, int slot) {
        super.visitLocalVariable(name, desc, signature, start, end, moved(slot));
    }

    @Override
    public net.bytebuddy.jar.asm.AnnotationVisitor visitLocalVariableAnnotation(
            int typeRef, net.bytebuddy.jar.asm.TypePath typePath, Label[] start, Label[] end, int[] slots,
            String desc, boolean visible) {
        int[] movedSlots = new int[slots.length];
        for (int i = 0; i < slots.length; i++) {
            movedSlots[i] = moved(slots[i]);
        }
        return super.visitLocalVariableAnnotation(typeRef, typePath, start, end, movedSlots, desc, visible);
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        if (startSlot < 0) {
            super.visitFrame(type, numLocal, local, numStack, stack);
            return;
        }
        if (type != Opcodes.F_NEW) {
            throw new IllegalStateException("expanded frames expected (ClassReader.EXPAND_FRAMES)");
        }
        // Frames list one entry per value, a long or double taking two slots: find start's place.
        Object[] withStart = new Object[Math.max(numLocal, 0) + startSlot + 1];
        int n = 0;
        int slot = 0;
        int i = 0;
        while (slot < startSlot) {
            Object value = i < numLocal ? local[i++] : Opcodes.TOP; // arguments the frame leaves out
            withStart[n++] = value;
            slot += value == Opcodes.LONG || value == Opcodes.DOUBLE ? 2 : 1;
        }
        if (slot != startSlot) {
            throw new IllegalStateException("a two-slot value straddles the last argument");
        }
        withStart[n++] = Opcodes.LONG;
        while (i < numLocal) {
            withStart[n++] = local[i++];
        }
        super.visitFrame(type, n, withStart, numStack, stack);
    }
}
