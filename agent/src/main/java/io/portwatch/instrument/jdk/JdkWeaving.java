package io.portwatch.instrument.jdk;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Puts the hooks into the JDK's socket classes, in three steps:
 * <ol>
 *   <li>{@link #register}, before anything of the agent can load one of them: each is woven as the
 *       JDK loads it, on the loading thread;</li>
 *   <li>{@link #weaveLoaded}, for those that were loaded already (all of them, in a JVM attached to);</li>
 *   <li>{@link #loadTheRest}, once {@code main} runs: the types not loaded yet are loaded, and so
 *       woven, and the transformer is removed.</li>
 * </ol>
 * While a transformer is registered, the JVM hands it a copy of the class file of every class that
 * loads, about 4 KB each, a few thousand in a JVM's first seconds (the agent's own among them):
 * the third step is what spares the application those copies. The types are
 * loaded on the agent's start thread, off the application's.
 *
 * <p>The first transformer is registered as one that cannot retransform: what it weaves at load
 * becomes part of the class as the JVM keeps it, so that another agent retransforming
 * {@code java.net.Socket} later, after this transformer is gone, still gets the woven class. A type
 * already loaded can only be woven by retransformation, whose work the JVM forgets at the next
 * retransformation unless the transformer is still there: {@link #weaveLoaded} registers a twin
 * that can retransform, and leaves it registered.
 *
 * <p>Weaving at load reads the class file once and defines the woven class once; retransforming a
 * loaded class costs the JVM a reconstruction of its class file and a redefinition besides.
 * Nothing here uses Byte Buddy's type machinery, only the ASM it bundles.
 */
public final class JdkWeaving {

    private JdkWeaving() {}

    /** Registers the transformer: from now on, each of its types is woven as it loads. */
    public static JdkTransformer register(Instrumentation inst, Consumer<String> errors) {
        JdkTransformer transformer = new JdkTransformer(errors);
        inst.addTransformer(transformer, false);
        return transformer;
    }

    /**
     * Retransforms those of its types that are loaded and not woven yet, through a twin of
     * {@code transformer} that stays registered; what fails goes to {@code errors}.
     */
    public static void weaveLoaded(Instrumentation inst, JdkTransformer transformer, Consumer<String> errors) {
        List<Class<?>> types = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getClassLoader() == null && JdkTransformer.weaves(c.getName().replace('.', '/'))
                    && !transformer.woven().containsKey(c.getName())) {
                types.add(c);
            }
        }
        if (types.isEmpty()) return;
        inst.addTransformer(transformer.twin(), true);
        try {
            inst.retransformClasses(types.toArray(new Class<?>[0]));
        } catch (Throwable all) {
            // The JVM takes all of a batch or none of it: one type it refused would leave the
            // others unwoven too. One by one, only the type at fault is.
            for (Class<?> type : types) {
                try {
                    inst.retransformClasses(type);
                } catch (Throwable one) {
                    errors.accept("cannot instrument " + type.getName() + ", its connections go unseen: " + one);
                }
            }
        }
    }

    /**
     * Loads those of its types that no one has loaded yet, so that {@code transformer} weaves them
     * now, then removes it. A type this JDK does not have is skipped; one that cannot be woven
     * was said by the transformer. One that could not be loaded for another reason (a security
     * manager refusing) leaves the transformer registered, to weave it when the JDK loads it.
     */
    public static void loadTheRest(Instrumentation inst, JdkTransformer transformer) {
        boolean allLoaded = true;
        for (String type : JdkTransformer.TYPES) {
            try {
                // Not initialized: the JDK runs its static initializers when the application first uses the type.
                Class.forName(type.replace('/', '.'), false, null);
            } catch (ClassNotFoundException absent) {
                // not in this JDK: there is nothing of it to see
            } catch (LinkageError | RuntimeException refused) {
                allLoaded = false;
            }
        }
        if (allLoaded) {
            inst.removeTransformer(transformer);
        }
    }
}
