package io.portwatch.instrument;

import io.portwatch.bootstrap.Bridge;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * Installs every {@link TypeInstrumentation} with one Byte Buddy agent builder.
 *
 * <p>Two settings matter more than the rest. The default builder ignores classes of the
 * bootstrap loader, which would leave {@code java.net.Socket} untouched without a word: the ignore
 * matcher here lets through the JDK types named by their instrumentations and the application's
 * classes (for the JDBC instrumentations, which match by supertype), and nothing else. And classes already loaded are
 * retransformed without changing their shape, which the JVM allows for {@code java.base}.
 */
public final class Installer {

    static final List<TypeInstrumentation> INSTRUMENTATIONS = Arrays.asList(
            new SocketInstrumentation(),
            new SocketInputStreamInstrumentation(),
            new SocketOutputStreamInstrumentation(),
            new ServerSocketInstrumentation(),
            new SocketChannelInstrumentation(),
            new LocalAddressInstrumentation(),
            new JdbcDriverInstrumentation(),
            new JdbcConnectionInstrumentation());

    /**
     * The OpenTelemetry Java agent's package, built from parts: as one literal, the shade plugin
     * would relocate it with the agent's own copy of OpenTelemetry, and it would match nothing.
     */
    private static final String OTEL_JAVAAGENT = String.join(".", "io", "opentelemetry", "javaagent", "");

    /**
     * Never matched against the application-type instrumentations: the JDK (its few instrumented
     * types are let through by name) and the agent itself.
     */
    private static final ElementMatcher.Junction<TypeDescription> NOT_APPLICATION =
            nameStartsWith("java.").or(nameStartsWith("javax.")).or(nameStartsWith("jdk."))
                    .or(nameStartsWith("sun.")).or(nameStartsWith("com.sun.")).or(nameStartsWith("io.portwatch.shaded."))
                    .or(nameStartsWith("io.portwatch.agent.")).or(nameStartsWith("io.portwatch.bootstrap."))
                    .or(nameStartsWith("io.portwatch.instrument.")).or(nameStartsWith("io.portwatch.track."))
                    .or(nameStartsWith("io.portwatch.otel.")).or(nameStartsWith("io.portwatch.host."))
                    .or(nameStartsWith("io.portwatch.kernel.")).or(nameStartsWith("io.portwatch.budget."))
                    .or(nameStartsWith("io.portwatch.report.")).or(nameStartsWith("io.portwatch.churnbudget."))
                    .or(nameStartsWith("io.portwatch.cli.")).or(isSynthetic())
                    // The OpenTelemetry Java agent's own classes: no JDBC driver there, and their
                    // supertypes cannot be resolved from outside (one error line per class).
                    .or(nameStartsWith(OTEL_JAVAAGENT));

    private final Set<String> instrumented = ConcurrentHashMap.newKeySet();

    /**
     * Installs the advice; instrumentation errors go to {@code errors}, one line each.
     *
     * @param attached false at start-up ({@code premain}): of the classes already loaded, only
     *                 the JDK types named here can need instrumenting, and looking at them alone
     *                 saves most of the start-up cost; true when attached to a running JVM, whose
     *                 loaded classes (JDBC drivers among them) must all be looked at
     */
    public void install(Instrumentation inst, Consumer<String> errors, boolean attached) throws NoSuchMethodException {
        // Advice swallows its own exceptions and hands them to the bridge, which counts them.
        Advice.ExceptionHandler countingHandler = new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(
                new MethodDescription.ForLoadedMethod(Bridge.class.getMethod("adviceFailed", Throwable.class))));
        ElementMatcher.Junction<TypeDescription> jdkTypes = none();
        List<Class<?>> loaded = new ArrayList<>();
        for (TypeInstrumentation i : INSTRUMENTATIONS) {
            if (i.typeName() != null) {
                jdkTypes = jdkTypes.or(named(i.typeName()));
                Class<?> type = preload(i.typeName());
                if (type != null) loaded.add(type);
            }
        }
        // The nexus serves initializers of types Byte Buddy creates; we create none. Left enabled,
        // its set-up touches sun.misc.Unsafe, which JDK 24+ reports on stderr. The property name is
        // the relocated one, so it concerns only the agent's own copy of Byte Buddy.
        System.setProperty(Nexus.PROPERTY, "true");
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy()
                        .with(TypeValidation.DISABLED)
                        .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(attached ? AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.SinglePass.INSTANCE
                        : new AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Explicit(loaded.toArray(new Class<?>[0])))
                .with(new ErrorListener(errors))
                .ignore(NOT_APPLICATION.and(not(jdkTypes)));
        for (TypeInstrumentation i : INSTRUMENTATIONS) {
            AgentBuilder.Transformer.ForAdvice base = new AgentBuilder.Transformer.ForAdvice()
                    .include(Installer.class.getClassLoader())
                    .withExceptionHandler(countingHandler);
            builder = builder.type(i.type()).transform(i.advice(base));
        }
        builder.installOn(inst);
    }

    /**
     * Loads a type before the transformer is installed, so that it is retransformed with the
     * classes already loaded. Left to load later, the nested stream classes of
     * {@code java.net.Socket} load while Byte Buddy is transforming {@code Socket} itself, on the
     * same thread, where its re-entrancy guard skips them: they would stay uninstrumented.
     */
    private static Class<?> preload(String typeName) {
        try {
            return Class.forName(typeName, false, null);
        } catch (ClassNotFoundException | LinkageError absent) {
            return null; // not in this JDK: its instrumentation will simply never apply
        }
    }

    /** The names of the types instrumented so far. */
    public Set<String> instrumented() {
        return instrumented;
    }

    private final class ErrorListener extends AgentBuilder.Listener.Adapter {
        /** Lines shown; past them, one more says the rest are not. A stderr shared with the application. */
        private static final int SHOWN = 3;
        private final Consumer<String> errors;
        private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

        ErrorListener(Consumer<String> errors) {
            this.errors = errors;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module,
                                     boolean loaded, DynamicType dynamicType) {
            instrumented.add(type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
                            Throwable error) {
            int n = count.incrementAndGet();
            if (n <= SHOWN) {
                errors.accept("cannot instrument " + typeName + ": " + error
                        + (n == SHOWN ? " (further instrumentation errors not shown)" : ""));
            }
        }
    }
}
