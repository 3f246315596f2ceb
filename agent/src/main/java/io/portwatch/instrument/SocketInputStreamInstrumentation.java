package io.portwatch.instrument;

import io.portwatch.bootstrap.Bridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;

/**
 * The input stream of {@code java.net.Socket} (JDK 13+: {@code Socket$SocketInputStream}, which
 * knows its socket as {@code parent}). A read that returns -1 means the peer's FIN arrived; a read
 * that fails may mean a reset. On the normal path the advice costs one comparison.
 */
final class SocketInputStreamInstrumentation implements TypeInstrumentation {

    @Override
    public String typeName() {
        return "java.net.Socket$SocketInputStream";
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base.advice(named("read").and(returns(int.class)), ReadAdvice.class.getName());
    }

    static final class ReadAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("parent") Object socket, @Advice.Return int n,
                         @Advice.Thrown Throwable error) {
            if (error != null) {
                Bridge.sockets.ioFailed(socket, error);
            } else if (n < 0) {
                Bridge.sockets.endOfStream(socket);
            }
        }
    }
}
