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
 * Netty's client {@code Bootstrap}: {@code init(Channel)} runs inside {@code connect(...)}, on the
 * thread that called it, with the channel about to connect. The connect itself happens later on
 * the channel's event loop, where no application frame is on the stack: this is where its call
 * site can be found.
 */
final class BootstrapInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> type() {
        return NettyTypes.named(NettyTypes.BOOTSTRAP);
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base.advice(named("init").and(takesArguments(1)), InitAdvice.class.getName());
    }

    static final class InitAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object bootstrap, @Advice.Argument(0) Object channel) {
            Bridge.netty.connectRequested(bootstrap, channel);
        }
    }
}
