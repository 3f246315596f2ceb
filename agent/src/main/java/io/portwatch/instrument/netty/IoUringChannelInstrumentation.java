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
 * {@code AbstractIoUringChannel}, the base of every io_uring channel (the listener keeps the TCP
 * ones):
 * <ul>
 *   <li>{@code computeRemote()}: runs once a connect completed, its ring completion or its
 *       finish-connect (TCP Fast Open's {@code sendmsg} included), after the local address was
 *       cached and as the remote one is, and before the connect promise is told, whose listeners
 *       may close the channel: the connect succeeded, with its endpoints;</li>
 *   <li>{@code doClose()}: every close of the socket (the close itself is a ring operation the
 *       event loop submits at once).</li>
 * </ul>
 */
final class IoUringChannelInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> type() {
        return NettyTypes.named(NettyTypes.IO_URING_CHANNEL);
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base
                .advice(named("computeRemote").and(takesArguments(0)), ConnectedAdvice.class.getName())
                .advice(named("doClose").and(takesArguments(0)), TransportAdvice.Closed.class.getName());
    }

    static final class ConnectedAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object channel) {
            Bridge.netty.finishConnectReturned(channel, true, null);
        }
    }
}
