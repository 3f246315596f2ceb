package io.portwatch.instrument.jdk;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Puts the hooks into the JDK's socket classes: {@link #register} before anything of the agent
 * can load one of them, so that each is woven as the JDK loads it, on the loading thread; then
 * {@link #weaveLoaded}, for those that were loaded already (all of them, in a JVM attached to).
 * Weaving at load reads the class file once and defines the woven class once; retransforming a
 * loaded class costs the JVM a reconstruction of its class file and a redefinition besides, and
 * loading them all up front to retransform them took most of the agent's start-up. Nothing here
 * uses Byte Buddy's type machinery, only the ASM it bundles.
 */
public final class JdkWeaving {

    private JdkWeaving() {}

    /** Registers the transformer: from now on, each of its types is woven as it loads. */
    public static JdkTransformer register(Instrumentation inst, Consumer<String> errors) {
        JdkTransformer transformer = new JdkTransformer(errors);
        inst.addTransformer(transformer, true);
        return transformer;
    }

    /** Retransforms those of its types that are loaded and not woven yet; what fails goes to {@code errors}. */
    public static void weaveLoaded(Instrumentation inst, JdkTransformer transformer, Consumer<String> errors) {
        List<Class<?>> types = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getClassLoader() == null && JdkTransformer.weaves(c.getName().replace('.', '/'))
                    && !transformer.woven().containsKey(c.getName())) {
                types.add(c);
            }
        }
        if (types.isEmpty()) return;
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
}
