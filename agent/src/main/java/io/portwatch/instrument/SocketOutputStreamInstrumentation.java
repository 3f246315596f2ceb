package io.portwatch.instrument;

import io.portwatch.bootstrap.Bridge;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

import static net.bytebuddy.matcher.ElementMatchers.named;

/** The output stream of {@code java.net.Socket}: a write that fails may mean a reset. */
final class SocketOutputStreamInstrumentation implements TypeInstrumentation {

    @Override
    public String typeName() {
        return "java.net.Socket$SocketOutputStream";
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base.advice(named("write"), WriteAdvice.class.getName());
    }

    static final class WriteAdvice {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("parent") Object socket, @Advice.Thrown Throwable error) {
            if (error != null) {
                Bridge.sockets.ioFailed(socket, error);
            }
        }
    }
}
