package io.portwatch.instrument;

import io.portwatch.bootstrap.Bridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code java.net.Socket}: every connecting constructor and overload ends in
 * {@code connect(SocketAddress, int)}, so that one method sees all outgoing connects. Subclasses
 * that override it (SSL sockets) call it through {@code super}; the channel adaptor overrides it
 * without doing so, and is tracked through its channel instead, so nothing is counted twice.
 */
final class SocketInstrumentation implements TypeInstrumentation {

    @Override
    public String typeName() {
        return "java.net.Socket";
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base
                .advice(named("connect").and(takesArguments(2)).and(takesArgument(0, SocketAddress.class)),
                        ConnectAdvice.class.getName())
                .advice(named("bind").and(takesArguments(SocketAddress.class)), BindAdvice.class.getName())
                .advice(named("close").and(takesArguments(0)), CloseAdvice.class.getName())
                .advice(named("shutdownOutput").and(takesArguments(0)), OutputShutdownAdvice.class.getName())
                .advice(named("setSoLinger").and(takesArguments(boolean.class, int.class)),
                        SoLingerAdvice.class.getName())
                .advice(named("setOption").and(takesArguments(2)).and(takesArgument(0, SocketOption.class)),
                        SetOptionAdvice.class.getName());
    }

    /** Also used for {@code SocketChannelImpl.blockingConnect}, which has the same shape. */
    static final class ConnectAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Argument(0) SocketAddress target,
                         @Advice.Enter long start, @Advice.Thrown Throwable error) {
            Bridge.sockets.connected(self, target, start, error);
        }
    }

    /** Also used for {@code SocketChannelImpl.bind}. */
    static final class BindAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable error) {
            if (error == null) {
                Bridge.sockets.bound(self);
            }
        }
    }

    /** Also used for {@code SocketChannelImpl.implCloseSelectableChannel}. */
    static final class CloseAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self) {
            Bridge.sockets.closed(self);
        }
    }

    /** Also used for {@code SocketChannelImpl.shutdownOutput}. */
    static final class OutputShutdownAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable error) {
            if (error == null) {
                Bridge.sockets.outputShutdown(self);
            }
        }
    }

    static final class SoLingerAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Argument(0) boolean on,
                         @Advice.Argument(1) int linger, @Advice.Thrown Throwable error) {
            if (error == null) {
                Bridge.sockets.lingerSet(self, on && linger == 0);
            }
        }
    }

    /** Also used for {@code SocketChannelImpl.setOption}. */
    static final class SetOptionAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Argument(0) Object option,
                         @Advice.Argument(1) Object value, @Advice.Thrown Throwable error) {
            if (error == null && option == StandardSocketOptions.SO_LINGER) {
                Bridge.sockets.lingerSet(self, value instanceof Integer && ((Integer) value).intValue() == 0);
            }
        }
    }
}
