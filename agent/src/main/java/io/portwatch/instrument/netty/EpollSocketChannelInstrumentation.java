package io.portwatch.instrument.netty;

import io.portwatch.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.net.InetSocketAddress;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code EpollSocketChannel(Channel parent, LinuxSocket fd, InetSocketAddress remote)}: the
 * constructor {@code EpollServerSocketChannel.newChildChannel} calls for every accepted
 * connection. Hooked where it returns: a constructor that throws leaves no channel.
 */
final class EpollSocketChannelInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> type() {
        return NettyTypes.named(NettyTypes.EPOLL_SOCKET_CHANNEL);
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base.advice(isConstructor().and(takesArguments(3)).and(takesArgument(2, InetSocketAddress.class)),
                TransportAdvice.Accepted.class.getName());
    }
}
