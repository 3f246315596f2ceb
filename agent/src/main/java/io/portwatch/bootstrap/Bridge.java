package io.portwatch.bootstrap;

/**
 * The one class that advice inlined into JDK code calls. It lives on the bootstrap class path so
 * that {@code java.base} can see it, and it holds nothing but the listeners to hand events to.
 *
 * <p>The fields are volatile so an agent attached at run time publishes its listener safely to
 * threads already inside instrumented code; a read of it costs about as much as a plain read on
 * x86. There is no static state besides it and no logic: everything else is the agent's.
 */
public final class Bridge {

    public static volatile SocketListener sockets = SocketListener.NOOP;

    public static volatile JdbcListener jdbc = JdbcListener.NOOP;

    /** Exceptions thrown inside advice and swallowed there, so the application never sees them. */
    private static final java.util.concurrent.atomic.AtomicLong ADVICE_FAILURES =
            new java.util.concurrent.atomic.AtomicLong();
    private static volatile Throwable lastAdviceFailure;

    private Bridge() {}

    /** Called by the exception handler of every advice instead of letting the error escape. */
    public static void adviceFailed(Throwable t) {
        ADVICE_FAILURES.incrementAndGet();
        lastAdviceFailure = t;
    }

    public static long adviceFailures() {
        return ADVICE_FAILURES.get();
    }

    public static Throwable lastAdviceFailure() {
        return lastAdviceFailure;
    }
}
