package io.portwatch.instrument;

import io.portwatch.bootstrap.Bridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.Properties;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Every {@code java.sql.Driver} implementation, in any class loader, loaded at any time:
 * {@code connect(String, Properties)} is where a physical database connection is made, whether
 * the caller is {@code DriverManager}, a pool or the application. A driver that wraps another is
 * seen twice on one thread; the listener counts the depth and records the outermost call.
 */
final class JdbcDriverInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> type() {
        return not(isInterface()).and(hasSuperType(named(LibraryTrigger.JDBC_DRIVER)));
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base.advice(named("connect").and(takesArguments(String.class, Properties.class)).and(not(isAbstract())),
                ConnectAdvice.class.getName());
    }

    static final class ConnectAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object driver, @Advice.Argument(0) String url,
                          @Advice.Argument(1) Properties info) {
            Bridge.jdbc.connectStarted(driver, url, info);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object driver, @Advice.Return Object connection,
                         @Advice.Thrown Throwable error) {
            Bridge.jdbc.connectEnded(driver, connection, error);
        }
    }
}
