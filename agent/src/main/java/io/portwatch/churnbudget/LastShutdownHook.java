package io.portwatch.churnbudget;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Set;

/**
 * Runs a task after every other shutdown hook, on the thread that is shutting the JVM down, where
 * {@link Runtime#halt} may set the exit status. An ordinary shutdown hook cannot do that: hooks
 * run concurrently, in no order, so halting from one cuts the others short, and
 * {@code System.exit} from one blocks forever. The JDK keeps a few numbered "system" hook slots
 * that run one after the other once the application's hooks have all finished (slot 1 runs and
 * joins them; slot 2 deletes the files marked {@code deleteOnExit}); this takes the last free one.
 *
 * <p>Those slots are internal ({@code JavaLangAccess.registerShutdownHook}), so the agent asks the
 * JVM to export that package to itself, as an agent may ({@link Instrumentation#redefineModule}).
 * When that fails, {@link #register} says why and the caller falls back.
 */
final class LastShutdownHook {

    private static final int FIRST_FREE_SLOT = 3;
    private static final int LAST_SLOT = 9;

    private LastShutdownHook() {}

    /** Registers {@code task}; throws with the reason when the JDK offers no slot. */
    static void register(Instrumentation inst, Runnable task) throws ReflectiveOperationException {
        Class<?> secrets = secretsClass();
        String pkg = secrets.getPackage().getName();
        Module javaBase = Object.class.getModule();
        Set<Module> us = Collections.singleton(LastShutdownHook.class.getModule());
        inst.redefineModule(javaBase, Collections.emptySet(), Collections.singletonMap(pkg, us),
                Collections.<String, Set<Module>>emptyMap(), Collections.<Class<?>>emptySet(),
                Collections.<Class<?>, java.util.List<Class<?>>>emptyMap());
        Object access = secrets.getMethod("getJavaLangAccess").invoke(null);
        Method register = Class.forName(pkg + ".JavaLangAccess")
                .getMethod("registerShutdownHook", int.class, boolean.class, Runnable.class);
        ReflectiveOperationException last = null;
        for (int slot = LAST_SLOT; slot >= FIRST_FREE_SLOT; slot--) {
            try {
                register.invoke(access, slot, false, task);
                return;
            } catch (java.lang.reflect.InvocationTargetException e) {
                last = e; // slot taken (InternalError), or shutdown already under way
                if (e.getCause() instanceof IllegalStateException) break;
            }
        }
        throw last;
    }

    /** Where SharedSecrets lives: jdk.internal.access since JDK 12, jdk.internal.misc in 11. */
    private static Class<?> secretsClass() throws ClassNotFoundException {
        try {
            return Class.forName("jdk.internal.access.SharedSecrets");
        } catch (ClassNotFoundException e) {
            return Class.forName("jdk.internal.misc.SharedSecrets");
        }
    }
}
