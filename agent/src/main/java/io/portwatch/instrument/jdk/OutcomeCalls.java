package io.portwatch.instrument.jdk;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * One method of the JDK's asynchronous socket channel with a hook before each call that hands an
 * operation's outcome on: to its {@code CompletionHandler} ({@code sun.nio.ch.Invoker.invoke*}) or
 * to its {@code Future} ({@code PendingFuture.setResult}, {@code CompletedFuture.withResult}).
 * Those methods keep the outcome in locals of their own, which a hook at the method's return or
 * in a catch-all (what {@link HookedMethod} weaves) never sees; each of those calls takes the
 * result and the exception as its last two arguments, so at the call they are the top two values
 * of the operand stack. In Java terms:
 * <pre>{@code
 * Invoker.invokeUnchecked(handler, att, result, exc);
 * // becomes
 * JdkHooks.hook(result, exc, this); Invoker.invokeUnchecked(handler, att, result, exc);
 * }</pre>
 * which in bytecode is {@code DUP2; ALOAD 0; INVOKESTATIC hook}: the stack is as it was after it,
 * no local and no frame changes, so nothing else of the method needs rewriting. The hook runs
 * before the application's handler, so an event it reports (a FIN) comes before whatever the
 * handler does next (a close).
 *
 * <p>With a {@code startCall}, only the outcome calls after that call (in code order) are hooked,
 * and {@code JdkHooks.asyncConnectStarting(this, argument 1)} is called just before it: in
 * {@code implConnect}, the outcome calls before {@code Net.connect} are the refusals of a closed
 * channel, which never reached the network.
 */
final class OutcomeCalls extends MethodVisitor {

    static final String OUTCOME = "(Ljava/lang/Object;Ljava/lang/Throwable;Ljava/lang/Object;)V";
    static final String CONNECT_STARTING = "(Ljava/lang/Object;Ljava/net/SocketAddress;)V";

    private final String hook;
    /** The owner and name of the call that starts the operation ({@code sun/nio/ch/Net.connect}), or null. */
    private final String startCall;
    private boolean started;

    OutcomeCalls(MethodVisitor next, String hook, String startCall) {
        super(Opcodes.ASM9, next);
        this.hook = hook;
        this.startCall = startCall;
        this.started = startCall == null;
    }

    /** True for the calls that hand an asynchronous operation's (result, exception) on. */
    static boolean isOutcomeCall(String owner, String descriptor) {
        return (owner.equals("sun/nio/ch/Invoker") || owner.equals("sun/nio/ch/PendingFuture")
                || owner.equals("sun/nio/ch/CompletedFuture"))
                && descriptor.contains("Ljava/lang/Object;Ljava/lang/Throwable;)");
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        if (!started && (owner + '.' + name).equals(startCall)) {
            started = true;
            // The call's own arguments stay on the stack below these two.
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitVarInsn(Opcodes.ALOAD, 1);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HookedMethod.HOOKS, "asyncConnectStarting", CONNECT_STARTING,
                    false);
        } else if (started && isOutcomeCall(owner, descriptor)) {
            super.visitInsn(Opcodes.DUP2);
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, HookedMethod.HOOKS, hook, OUTCOME, false);
        }
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }
}
