package io.portwatch.instrument;

import io.portwatch.bootstrap.Bridge;
import io.portwatch.track.AgentThreads;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * Installs the library instrumentation ({@link LibraryInstaller}, Byte Buddy) on an agent thread,
 * as soon as the application is known to use JDBC: at once when a JDBC driver is declared on the
 * class path ({@code META-INF/services/java.sql.Driver}), else when the application first loads
 * one of {@link #SUPERTYPES}. A JVM without JDBC never loads Byte Buddy; one with JDBC pays for it
 * off its own threads, most often while it is still starting.
 *
 * <p>Every JDBC driver and connection class implements {@code java.sql.Driver} or
 * {@code java.sql.Connection}, and the JVM loads an interface before any class that implements
 * it; so when the first of them is seen loading here, no library type is loaded yet, and those
 * that load while Byte Buddy is being installed are retransformed by it. Until the install is
 * done (half a second of CPU or more), a JDBC connect is seen only as the TCP connection it
 * opens: its {@code jdbc.connection} span is missing. That window starts with the JVM when the
 * driver is on the class path, with the first JDBC use otherwise (a driver in a web
 * application's or a nested jar's class loader).
 *
 * <p>The transformer itself only compares the name of each class that loads with these two. It
 * does no more than release the waiting agent thread: no thread is started and nothing is loaded
 * from inside the application's class loading.
 */
public final class LibraryTrigger implements ClassFileTransformer {

    static final String JDBC_DRIVER = "java.sql.Driver";
    static final String JDBC_CONNECTION = "java.sql.Connection";

    /** Every type a {@link TypeInstrumentation} matches implements one of these. */
    static final String[] SUPERTYPES = {JDBC_DRIVER, JDBC_CONNECTION};
    private static final String[] SUPERTYPES_INTERNAL = {"java/sql/Driver", "java/sql/Connection"};
    /** Where a jar declares the JDBC drivers it holds, for {@code DriverManager}. */
    private static final String DECLARED_DRIVERS = "META-INF/services/java.sql.Driver";

    private final CountDownLatch jdbcInUse = new CountDownLatch(1);
    private volatile String startedBy;
    private volatile LibraryInstaller installer;

    private LibraryTrigger() {}

    /**
     * Registers the trigger and starts the agent thread that waits for it. A supertype already
     * loaded (attached to a running JVM, or loaded by an agent before this one) fires it at once;
     * so does, on that thread, a driver declared on the class path.
     */
    public static LibraryTrigger arm(Instrumentation inst, Consumer<String> errors, Consumer<String> debug) {
        LibraryTrigger trigger = new LibraryTrigger();
        inst.addTransformer(trigger, false);
        // Listed after the transformer is in place: a supertype loading meanwhile is seen by one or the other.
        for (Class<?> type : inst.getAllLoadedClasses()) {
            String name = type.getName();
            if (name.equals(JDBC_DRIVER) || name.equals(JDBC_CONNECTION)) {
                trigger.fire(name + " already loaded");
                break;
            }
        }
        AgentThreads.newThread("libraries", () -> trigger.installOnceJdbcIsInUse(inst, errors, debug)).start();
        return trigger;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (startedBy == null && className != null
                && (className.equals(SUPERTYPES_INTERNAL[0]) || className.equals(SUPERTYPES_INTERNAL[1]))) {
            fire(className.replace('/', '.') + " loading");
        }
        return null;
    }

    private void fire(String reason) {
        if (startedBy == null) {
            startedBy = reason;
        }
        jdbcInUse.countDown();
    }

    /** What started the install: a supertype loading, or a driver on the class path; null while nothing has. */
    public String startedBy() {
        return startedBy;
    }

    /** The library types instrumented so far; empty until the install has run. */
    public Set<String> instrumented() {
        LibraryInstaller i = installer;
        return i == null ? Collections.emptySet() : i.instrumented();
    }

    private void installOnceJdbcIsInUse(Instrumentation inst, Consumer<String> errors, Consumer<String> debug) {
        // Looked up here, not in premain: it opens every jar of the class path.
        if (ClassLoader.getSystemResource(DECLARED_DRIVERS) != null) {
            fire("a JDBC driver on the class path");
        }
        while (jdbcInUse.getCount() > 0) {
            try {
                jdbcInUse.await();
            } catch (InterruptedException e) {
                // An application may interrupt every thread it finds: keep waiting.
            }
        }
        inst.removeTransformer(this);
        long start = System.nanoTime();
        try {
            LibraryInstaller i = new LibraryInstaller();
            installer = i;
            i.install(inst, errors);
            Bridge.libraryAdviceInstalled = true;
            debug.accept("instrumented library types in " + (System.nanoTime() - start) / 1_000_000
                    + " ms, started by " + startedBy + ": " + i.instrumented());
        } catch (Throwable t) {
            errors.accept("cannot instrument JDBC types, JDBC connections are seen as TCP connections only: " + t);
        }
    }
}
