package io.portwatch.instrument.netty;

import io.portwatch.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code AbstractIoUringStreamChannel}'s half-close, this side's FIN: {@code doShutdownOutput0()}
 * in 4.2.18 and 4.2.21 ({@code AbstractIoUringChannel.doShutdownOutput()} calls it),
 * {@code doShutdownOutput()} in 4.2.10. A version declares one of the two here, not both.
 */
final class IoUringStreamChannelInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> type() {
        return NettyTypes.named(NettyTypes.IO_URING_STREAM_CHANNEL);
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base.advice(named("doShutdownOutput").or(named("doShutdownOutput0")).and(takesArguments(0)),
                TransportAdvice.OutputShutdown.class.getName());
    }
}
