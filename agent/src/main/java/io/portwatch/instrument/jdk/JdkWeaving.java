package io.portwatch.instrument.jdk;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Puts the hooks into the JDK's socket classes, before {@code main} (or at once, when attached):
 * the {@link JdkTransformer} is registered, and its types are retransformed through it.
 * Nothing here uses Byte Buddy's type machinery, only the ASM it bundles; loading that costs
 * tens of milliseconds where Byte Buddy's own classes cost over half a second.
 */
public final class JdkWeaving {

    private JdkWeaving() {}

    /** Weaves the types; what fails goes to {@code errors}, one line each. */
    public static JdkTransformer install(Instrumentation inst, Consumer<String> errors) {
        List<Class<?>> types = new ArrayList<>();
        for (String name : JdkTransformer.TYPES) {
            Class<?> type = preload(name.replace('/', '.'));
            if (type != null) types.add(type);
        }
        JdkTransformer transformer = new JdkTransformer(errors);
        inst.addTransformer(transformer, true);
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
        return transformer;
    }

    /**
     * Loads a type before the transformer is installed, so that all are retransformed
     * together, on this thread, now. Left to load later, the nested stream classes of
     * {@code java.net.Socket} would load whenever the application first touches a socket's
     * streams, with the weaving on its thread; and a type whose weaving loads classes could meet
     * itself half-loaded (ClassCircularityError).
     */
    private static Class<?> preload(String typeName) {
        try {
            return Class.forName(typeName, false, null);
        } catch (ClassNotFoundException | LinkageError absent) {
            return null; // not in this JDK: its weaving will simply never apply
        }
    }
}
