package io.portwatch.instrument;

import io.portwatch.bootstrap.Bridge;
import io.portwatch.instrument.netty.NettyTypes;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.Nexus;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

/**
 * Installs every {@link TypeInstrumentation} (the library types: JDBC drivers and connections,
 * Netty's epoll and io_uring transports) with one Byte Buddy agent builder. Runs on an agent thread ({@link LibraryTrigger}), never on
 * the start-up path: loading Byte Buddy's type machinery costs over half a second.
 *
 * <p>The builder's transformer is shown only the classes that may be library types
 * ({@link LibraryTypeFilter}): matched by Byte Buddy, each class that loads cost a third of a
 * millisecond.
 *
 * <p>The builder's transformer is registered first, then the library types already loaded are
 * retransformed: a type that loads while the builder is being installed is either seen loading
 * by its transformer or found loaded ({@link LoadedLibraryTypes}). Classes are retransformed
 * without changing their shape, as the JVM requires of loaded classes.
 */
final class LibraryInstaller {

    /** The instrumentations to install: JDBC's always, Netty's unless switched off ({@code instrument.netty}). */
    static List<TypeInstrumentation> instrumentations(boolean netty) {
        List<TypeInstrumentation> all = new ArrayList<>(Arrays.asList(
                new JdbcDriverInstrumentation(),
                new JdbcConnectionInstrumentation()));
        if (netty) {
            all.addAll(NettyTypes.instrumentations());
        }
        return all;
    }

    private final boolean netty;

    LibraryInstaller(boolean netty) {
        this.netty = netty;
    }

    /** The OpenTelemetry Java agent's package. */
    private static final String OTEL_JAVAAGENT = "io.opentelemetry.javaagent.";

    /**
     * Never matched against the instrumentations: the JDK (woven apart, with plain ASM, by
     * {@code io.portwatch.instrument.jdk}) and the agent itself. Not all of {@code io.portwatch.}:
     * an application's classes may live there (the integration tests' stub JDBC driver does).
     * {@code LibraryInstallerTest} fails when a package of the agent is missing.
     */
    static final ElementMatcher.Junction<TypeDescription> NOT_APPLICATION =
            nameStartsWith("java.").or(nameStartsWith("javax.")).or(nameStartsWith("jdk."))
                    .or(nameStartsWith("sun.")).or(nameStartsWith("com.sun.")).or(nameStartsWith("io.portwatch.shaded."))
                    .or(nameStartsWith("io.portwatch.agent.")).or(nameStartsWith("io.portwatch.bootstrap."))
                    .or(nameStartsWith("io.portwatch.instrument.")).or(nameStartsWith("io.portwatch.track."))
                    .or(nameStartsWith("io.portwatch.otel.")).or(nameStartsWith("io.portwatch.host."))
                    .or(nameStartsWith("io.portwatch.kernel.")).or(nameStartsWith("io.portwatch.budget."))
                    .or(nameStartsWith("io.portwatch.report.")).or(nameStartsWith("io.portwatch.churnbudget."))
                    .or(nameStartsWith("io.portwatch.cli.")).or(nameStartsWith("io.portwatch.clients."))
                    .or(nameStartsWith("io.portwatch.hostrules.")).or(nameStartsWith("io.portwatch.otlp."))
                    .or(nameStartsWith("io.portwatch.export."))
                    .or(isSynthetic())
                    // The OpenTelemetry Java agent's own classes: no JDBC driver or Netty there, and their
                    // supertypes cannot be resolved from outside (one error line per class).
                    .or(nameStartsWith(OTEL_JAVAAGENT));

    private final Set<String> instrumented = ConcurrentHashMap.newKeySet();

    /** Installs the advice; instrumentation errors go to {@code errors}, one line each. */
    void install(Instrumentation inst, Consumer<String> errors) throws NoSuchMethodException {
        // Advice swallows its own exceptions and hands them to the bridge, which counts them.
        Advice.ExceptionHandler countingHandler = new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(
                new MethodDescription.ForLoadedMethod(Bridge.class.getMethod("adviceFailed", Throwable.class))));
        // The nexus serves initializers of types Byte Buddy creates; we create none. Left enabled,
        // its set-up touches sun.misc.Unsafe, which JDK 24+ reports on stderr. The property name is
        // the relocated one, so it concerns only the agent's own copy of Byte Buddy.
        System.setProperty(Nexus.PROPERTY, "true");
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy()
                        .with(TypeValidation.DISABLED)
                        .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE))
                .disableClassFormatChanges()
                .with(new LibraryTypeFilter(netty)::filtering)
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new LoadedLibraryTypes(netty))
                .with(new ErrorListener(errors))
                .ignore(NOT_APPLICATION);
        for (TypeInstrumentation i : instrumentations(netty)) {
            AgentBuilder.Transformer.ForAdvice base = new AgentBuilder.Transformer.ForAdvice()
                    .include(LibraryInstaller.class.getClassLoader())
                    .withExceptionHandler(countingHandler);
            builder = builder.type(i.type()).transform(i.advice(base));
        }
        builder.installOn(inst);
    }

    /** The names of the types instrumented so far. */
    Set<String> instrumented() {
        return instrumented;
    }

    private final class ErrorListener extends AgentBuilder.Listener.Adapter {
        /** Lines shown; past them, one more says the rest are not. A stderr shared with the application. */
        private static final int SHOWN = 3;
        private final Consumer<String> errors;
        private final AtomicInteger count = new AtomicInteger();

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
