package io.portwatch.instrument.netty;

import io.portwatch.bootstrap.Bridge;
import io.portwatch.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.net.SocketAddress;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code AbstractEpollChannel}, the base of every epoll channel (the listener keeps the TCP ones):
 * <ul>
 *   <li>{@code doConnect(remote, local)}: true when connected at once (a TCP Fast Open connect
 *       that sent its first bytes with the SYN included: {@code EpollSocketChannel.doConnect0}
 *       does that inside it), false when pending, or a failure (the socket is closed by then);</li>
 *   <li>{@code doClose()}: every close of the socket, returning or throwing;</li>
 *   <li>{@code doReadBytes(ByteBuf)}: -1 is the peer's FIN, a failure may be a reset.</li>
 * </ul>
 */
final class EpollChannelInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> type() {
        return NettyTypes.named(NettyTypes.EPOLL_CHANNEL);
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base
                .advice(named("doConnect").and(takesArguments(2)), ConnectAdvice.class.getName())
                .advice(named("doClose").and(takesArguments(0)), TransportAdvice.Closed.class.getName())
                .advice(named("doReadBytes").and(takesArguments(1)), ReadAdvice.class.getName());
    }

    static final class ConnectAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Argument(0) SocketAddress target,
                         @Advice.Enter long startNanos, @Advice.Return boolean connected,
                         @Advice.Thrown Throwable error) {
            Bridge.netty.connectReturned(channel, target, startNanos, connected, error);
        }
    }

    static final class ReadAdvice {
        /** Reads that return data, nearly all of them, cost one comparison. */
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Return int bytes, @Advice.Thrown Throwable error) {
            if (bytes < 0 || error != null) {
                Bridge.netty.readEnded(channel, bytes, error);
            }
        }
    }
}
