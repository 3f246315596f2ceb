package io.portwatch.instrument.netty;

import io.portwatch.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code IoUringSocketChannel(Channel parent, LinuxSocket fd)} and
 * {@code (Channel parent, LinuxSocket fd, SocketAddress remote)}: the constructors
 * {@code IoUringServerSocketChannel.newChildChannel} calls for every accepted connection, the first
 * with a multishot accept (the kernel gave no address), the second otherwise. The client's
 * constructor takes no argument.
 */
final class IoUringSocketChannelInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> type() {
        return NettyTypes.named(NettyTypes.IO_URING_SOCKET_CHANNEL);
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base.advice(isConstructor().and(takesArguments(2).or(takesArguments(3))),
                TransportAdvice.Accepted.class.getName());
    }
}
