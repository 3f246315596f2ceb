package io.portwatch.instrument;

import io.portwatch.bootstrap.Bridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

import java.io.FileDescriptor;
import java.net.InetSocketAddress;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code sun.nio.ch.Net.localAddress(FileDescriptor)}: the JDK's own {@code getsockname}. Every
 * {@code Socket} connect and accept calls it (since JDK 13) to learn the local port, and drops the
 * address it read with it. Handed to the listener, that address spares the tracker asking the
 * socket again, which costs two more system calls on the application's thread for each connection.
 * Not found (another JDK), nothing changes: the tracker asks the socket.
 */
final class LocalAddressInstrumentation implements TypeInstrumentation {

    @Override
    public String typeName() {
        return "sun.nio.ch.Net";
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base.advice(named("localAddress").and(isStatic()).and(takesArguments(FileDescriptor.class)),
                ReadAdvice.class.getName());
    }

    static final class ReadAdvice {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return InetSocketAddress address) {
            Bridge.sockets.localAddressRead(address);
        }
    }
}
