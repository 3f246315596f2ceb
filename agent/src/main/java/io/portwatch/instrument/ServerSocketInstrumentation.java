package io.portwatch.instrument;

import io.portwatch.bootstrap.Bridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

import java.net.Socket;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code java.net.ServerSocket}: {@code accept()} and the SSL server socket's own accept both hand
 * the new socket to {@code implAccept(Socket)}, which is public API and stable across JDKs.
 */
final class ServerSocketInstrumentation implements TypeInstrumentation {

    @Override
    public String typeName() {
        return "java.net.ServerSocket";
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base.advice(named("implAccept").and(takesArguments(Socket.class)), AcceptAdvice.class.getName());
    }

    static final class AcceptAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Argument(0) Object socket, @Advice.Thrown Throwable error) {
            if (error == null) {
                Bridge.sockets.accepted(socket);
            }
        }
    }
}
