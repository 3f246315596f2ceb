package io.portwatch.instrument.netty;

import io.portwatch.bootstrap.Bridge;
import io.portwatch.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code AbstractEpollStreamChannel}: {@code doWrite(ChannelOutboundBuffer)}, where every write
 * of a stream channel fails (a reset, when the peer sent RST), and {@code doShutdownOutput()},
 * the half-close: this side's FIN.
 */
final class EpollStreamChannelInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> type() {
        return NettyTypes.named(NettyTypes.EPOLL_STREAM_CHANNEL);
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base
                .advice(named("doWrite").and(takesArguments(1)), WriteAdvice.class.getName())
                .advice(named("doShutdownOutput").and(takesArguments(0)), TransportAdvice.OutputShutdown.class.getName());
    }

    static final class WriteAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Thrown Throwable error) {
            if (error != null) {
                Bridge.netty.writeFailed(channel, error);
            }
        }
    }
}
