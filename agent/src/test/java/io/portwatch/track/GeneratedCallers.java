package io.portwatch.track;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.MethodCall;
import net.bytebuddy.matcher.ElementMatchers;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Stacks made to order for the call-site tests, which live in {@code io.portwatch.track.}, a
 * package {@link CallSites} always skips: a frame of a class generated at run time under any name
 * (an application's, a library's), and a thread with nothing but the JDK and this package below.
 */
final class GeneratedCallers {

    private GeneratedCallers() {}

    /** Runs {@code body} in the method {@code get} of a class generated as {@code className} (no line table). */
    @SuppressWarnings("unchecked")
    static <T> T in(String className, Callable<T> body) {
        try {
            Class<?> type = new ByteBuddy()
                    .subclass(Object.class)
                    .implement(Supplier.class)
                    .name(className)
                    .method(ElementMatchers.named("get"))
                    .intercept(MethodCall.call(body))
                    .make()
                    .load(GeneratedCallers.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
                    .getLoaded();
            return ((Supplier<T>) type.getDeclaredConstructor().newInstance()).get();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code body} on a fresh thread, whose stack holds nothing but the JDK and this package below it. */
    static <T> T onFreshThread(Callable<T> body) throws InterruptedException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(body.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join(10_000);
        if (failure.get() != null) throw new AssertionError(failure.get());
        return result.get();
    }
}
