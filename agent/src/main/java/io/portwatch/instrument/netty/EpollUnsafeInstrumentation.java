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
 * {@code AbstractEpollChannel.AbstractEpollUnsafe.doFinishConnect()}: a pending connect completed
 * (true), is still pending (false) or failed. An inner class: its channel is the enclosing
 * instance, in the field {@code this$0} that javac gives it (in 4.1 and 4.2 alike).
 */
final class EpollUnsafeInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> type() {
        return NettyTypes.named(NettyTypes.EPOLL_UNSAFE);
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base.advice(named("doFinishConnect").and(takesArguments(0)), FinishConnectAdvice.class.getName());
    }

    static final class FinishConnectAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("this$0") Object channel, @Advice.Return boolean connected,
                         @Advice.Thrown Throwable error) {
            Bridge.netty.finishConnectReturned(channel, connected, error);
        }
    }
}
