package io.portwatch.bootstrap;

/**
 * Where the code woven into the JDK ({@link JdkHooks}) and the library advice hand their events:
 * it lives in the bootstrap class loader so that {@code java.base} can see it, and it holds
 * nothing but the listeners, what the advice failed at, and whether the library advice is in.
 *
 * <p>The fields are volatile so an agent attached at run time publishes its listener safely to
 * threads already inside instrumented code; a read of it costs about as much as a plain read on
 * x86. There is no logic here: everything else is the agent's.
 */
public final class Bridge {

    public static volatile SocketListener sockets = SocketListener.NOOP;

    public static volatile JdbcListener jdbc = JdbcListener.NOOP;

    public static volatile NettyListener netty = NettyListener.NOOP;

    /**
     * True once the library advice (JDBC, Netty) is installed. It is installed on an agent thread
     * when the application first loads a JDBC type or a class of Netty's native transports; until
     * then a JDBC connect is seen as its TCP connection only, and an epoll or io_uring connection not at
     * all. Read by tests that need every {@code jdbc.connection} span or every Netty connection.
     */
    public static volatile boolean libraryAdviceInstalled;

    /** Exceptions thrown inside advice and swallowed there, so the application never sees them. */
    private static final java.util.concurrent.atomic.AtomicLong ADVICE_FAILURES =
            new java.util.concurrent.atomic.AtomicLong();
    private static volatile Throwable lastAdviceFailure;

    private Bridge() {}

    /** Called by every {@link JdkHooks} hook and library advice instead of letting an error escape. */
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
