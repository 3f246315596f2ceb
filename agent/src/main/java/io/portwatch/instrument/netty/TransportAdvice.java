package io.portwatch.instrument.netty;

import io.portwatch.bootstrap.Bridge;
import net.bytebuddy.asm.Advice;

/**
 * Advice that the epoll and io_uring instrumentations share, where both transports have a method
 * that means the same: the socket closed, the output shut down, an accepted channel made.
 */
final class TransportAdvice {

    private TransportAdvice() {}

    /** Every close of the socket, returning or throwing. */
    static final class Closed {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.This Object channel) {
            Bridge.netty.closed(channel);
        }
    }

    /** The half-close, only when it returned: one that threw sent no FIN. */
    static final class OutputShutdown {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object channel) {
            Bridge.netty.outputShutdown(channel);
        }
    }

    /** A constructor that made a channel for an accepted connection, where it returns: one that throws leaves none. */
    static final class Accepted {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object channel) {
            Bridge.netty.accepted(channel);
        }
    }
}
