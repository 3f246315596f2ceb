package io.portwatch.instrument;

import io.portwatch.bootstrap.Bridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

import java.io.FileDescriptor;
import java.net.SocketAddress;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code sun.nio.ch.SocketChannelImpl}, the JDK's only TCP socket channel (JDK 11 to 25), used
 * directly by NIO code, {@code java.net.http.HttpClient}, Netty-style clients, and through its
 * {@code socket()} adaptor. The methods matched exist in JDK 17 and 25 alike; the channel itself
 * is the connection's identity, so the adaptor's calls are never counted twice.
 *
 * <ul>
 *   <li>{@code connect(SocketAddress)}: blocking (returns true) or non-blocking (returns false,
 *       {@code finishConnect()} completes it later, often on another thread);</li>
 *   <li>{@code blockingConnect(SocketAddress, long)}: the adaptor's connect with a timeout;</li>
 *   <li>the constructor taking a {@code FileDescriptor}: a channel accepted by a server channel;</li>
 *   <li>{@code read}, {@code blockingRead} (the adaptor's stream): -1 is the peer's FIN;</li>
 *   <li>{@code bind(SocketAddress)}: a bind before connect changes where the port comes from;</li>
 *   <li>{@code implCloseSelectableChannel}: every close, interrupts included.</li>
 * </ul>
 */
final class SocketChannelInstrumentation implements TypeInstrumentation {

    @Override
    public String typeName() {
        return "sun.nio.ch.SocketChannelImpl";
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base
                .advice(named("connect").and(takesArguments(SocketAddress.class)), ConnectAdvice.class.getName())
                .advice(named("finishConnect").and(takesArguments(0)), FinishConnectAdvice.class.getName())
                .advice(named("blockingConnect").and(takesArguments(2)).and(takesArgument(0, SocketAddress.class)),
                        SocketInstrumentation.ConnectAdvice.class.getName())
                .advice(isConstructor().and(takesArguments(4)).and(takesArgument(2, FileDescriptor.class)),
                        AcceptedAdvice.class.getName())
                .advice(named("read").and(returns(int.class)).or(named("blockingRead").and(returns(int.class))),
                        ReadIntAdvice.class.getName())
                .advice(named("read").and(returns(long.class)), ReadLongAdvice.class.getName())
                .advice(named("write").or(named("blockingWriteFully")), WriteAdvice.class.getName())
                .advice(named("bind").and(takesArguments(SocketAddress.class)), SocketInstrumentation.BindAdvice.class.getName())
                .advice(named("implCloseSelectableChannel"), SocketInstrumentation.CloseAdvice.class.getName())
                .advice(named("shutdownOutput").and(takesArguments(0)),
                        SocketInstrumentation.OutputShutdownAdvice.class.getName())
                .advice(named("setOption").and(takesArguments(2)), SocketInstrumentation.SetOptionAdvice.class.getName());
    }

    static final class ConnectAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Argument(0) SocketAddress target,
                         @Advice.Enter long start, @Advice.Return boolean connected,
                         @Advice.Thrown Throwable error) {
            if (error != null || connected) {
                Bridge.sockets.connected(self, target, start, error);
            } else {
                Bridge.sockets.connectPending(self, target, start);
            }
        }
    }

    static final class FinishConnectAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return boolean connected,
                         @Advice.Thrown Throwable error) {
            if (error != null || connected) {
                Bridge.sockets.finishedConnect(self, error);
            }
        }
    }

    static final class AcceptedAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object self) {
            Bridge.sockets.accepted(self);
        }
    }

    static final class ReadIntAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return int n, @Advice.Thrown Throwable error) {
            if (error != null) {
                Bridge.sockets.ioFailed(self, error);
            } else if (n < 0) {
                Bridge.sockets.endOfStream(self);
            }
        }
    }

    static final class ReadLongAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Return long n, @Advice.Thrown Throwable error) {
            if (error != null) {
                Bridge.sockets.ioFailed(self, error);
            } else if (n < 0) {
                Bridge.sockets.endOfStream(self);
            }
        }
    }

    static final class WriteAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object self, @Advice.Thrown Throwable error) {
            if (error != null) {
                Bridge.sockets.ioFailed(self, error);
            }
        }
    }
}
