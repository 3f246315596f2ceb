package io.portwatch.instrument.netty;

import io.portwatch.bootstrap.Bridge;
import io.portwatch.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code EpollSocketChannelConfig.setSoLinger(int)} and {@code IoUringSocketChannelConfig}'s, which
 * {@code ChannelOption.SO_LINGER} (a bootstrap's option or child option) also ends in: 0 makes the
 * close send RST. Their channel is the field {@code channel} they inherit from
 * {@code DefaultChannelConfig}.
 */
final class SocketConfigInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> type() {
        return NettyTypes.named(NettyTypes.EPOLL_SOCKET_CONFIG, NettyTypes.IO_URING_SOCKET_CONFIG);
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base.advice(named("setSoLinger").and(takesArguments(int.class)).and(not(isBridge())),
                SoLingerAdvice.class.getName());
    }

    static final class SoLingerAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue("channel") Object channel, @Advice.Argument(0) int seconds) {
            Bridge.netty.soLingerSet(channel, seconds);
        }
    }
}
