package io.portwatch.instrument;

import io.portwatch.bootstrap.Bridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.concurrent.Executor;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code close()} and {@code abort(Executor)} of every {@code java.sql.Connection}
 * implementation. Pool proxies match too, but a proxy's close only returns a connection to its
 * pool: the listener keeps the events of connection classes that a driver's {@code connect}
 * returned, and drops the rest with one hash lookup.
 */
final class JdbcConnectionInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> type() {
        return not(isInterface()).and(hasSuperType(named(LibraryTrigger.JDBC_CONNECTION)));
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base
                .advice(named("close").and(takesArguments(0)).and(not(isAbstract())), CloseAdvice.class.getName())
                .advice(named("abort").and(takesArguments(Executor.class)).and(not(isAbstract())),
                        AbortAdvice.class.getName());
    }

    static final class CloseAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object connection) {
            Bridge.jdbc.closed(connection, false);
        }
    }

    static final class AbortAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object connection) {
            Bridge.jdbc.closed(connection, true);
        }
    }
}
