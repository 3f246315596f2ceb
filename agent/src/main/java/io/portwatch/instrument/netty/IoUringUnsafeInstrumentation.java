package io.portwatch.instrument.netty;

import io.portwatch.bootstrap.Bridge;
import io.portwatch.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.net.SocketAddress;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code AbstractIoUringChannel.AbstractUringUnsafe}, where io_uring's operations start and
 * complete. An inner class: its channel is the enclosing instance, in the field {@code this$0}.
 * <ul>
 *   <li>{@code connect(remote, local, promise)}: submits the connect to the ring (or, with TCP Fast
 *       Open, a {@code sendmsg(MSG_FASTOPEN)} carrying the first bytes); it never completes there.
 *       A failure before the ring is in the promise;</li>
 *   <li>{@code fulfillConnectPromise(promise, Throwable)}: a connect failed, whichever way it
 *       completed (the connect's completion, the finish-connect after POLLOUT, the TCP Fast Open
 *       {@code sendmsg}'s). A null promise: the channel was closed meanwhile, and said so;</li>
 *   <li>{@code readComplete(op, res, flags, data)}: 0 is the peer's FIN, {@code -ECONNRESET} a reset;</li>
 *   <li>{@code writeComplete(op, res, flags, data)}: {@code -ECONNRESET} a reset.</li>
 * </ul>
 * The ring reports an errno where epoll's calls throw: the advice compares it, once per completion.
 */
final class IoUringUnsafeInstrumentation implements TypeInstrumentation {

    /**
     * Linux's ECONNRESET ({@code asm-generic/errno.h}: x86, arm64, riscv alike); io_uring is Linux's
     * alone. A completion's result is the negated errno.
     */
    static final int ECONNRESET = 104;

    @Override
    public ElementMatcher<TypeDescription> type() {
        return NettyTypes.named(NettyTypes.IO_URING_UNSAFE);
    }

    @Override
    public AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base) {
        return base
                .advice(named("connect").and(takesArguments(3)), ConnectAdvice.class.getName())
                .advice(named("fulfillConnectPromise").and(takesArguments(2)).and(takesArgument(1, Throwable.class)),
                        ConnectFailedAdvice.class.getName())
                // The last argument is a short in 4.2.10, a long since: matched by count.
                .advice(named("readComplete").and(takesArguments(4)), ReadAdvice.class.getName())
                .advice(named("writeComplete").and(takesArguments(4)), WriteAdvice.class.getName());
    }

    static final class ConnectAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return System.nanoTime();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("this$0") Object channel, @Advice.Argument(0) SocketAddress target,
                         @Advice.Argument(2) Object promise, @Advice.Enter long startNanos) {
            Bridge.netty.connectSubmitted(channel, target, startNanos, promise);
        }
    }

    static final class ConnectFailedAdvice {
        /** On entry: the promise it fails may have a listener that closes the channel. */
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("this$0") Object channel, @Advice.Argument(0) Object promise,
                          @Advice.Argument(1) Throwable cause) {
            if (promise != null) {
                Bridge.netty.finishConnectReturned(channel, false, cause);
            }
        }
    }

    static final class ReadAdvice {
        /** Reads that return data, nearly all of them, cost one comparison. */
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("this$0") Object channel, @Advice.Argument(1) int res) {
            if (res <= 0) {
                if (res == 0) {
                    Bridge.netty.readEnded(channel, -1, null);
                } else if (res == -ECONNRESET) {
                    Bridge.netty.resetSeen(channel);
                }
            }
        }
    }

    static final class WriteAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("this$0") Object channel, @Advice.Argument(1) int res) {
            if (res == -ECONNRESET) {
                Bridge.netty.resetSeen(channel);
            }
        }
    }
}
