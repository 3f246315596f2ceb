package io.portwatch.instrument;

import io.portwatch.bootstrap.Bridge;
import io.portwatch.track.AgentThreads;
import io.portwatch.track.NettyNames;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * Installs the library instrumentation ({@link LibraryInstaller}, Byte Buddy) on an agent thread,
 * as soon as the application is known to use JDBC or one of Netty's native transports: at once when
 * a JDBC driver is declared on the class path ({@code META-INF/services/java.sql.Driver}), else when
 * the application first loads one of {@link #SUPERTYPES} or a class of Netty's epoll or io_uring
 * transport (in any copy of Netty, {@link NettyNames#isNativeTransportClass}). A JVM with neither never loads Byte Buddy; one
 * with them pays for it off its own threads, most often while it is still starting.
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
 * <p>Netty's epoll and io_uring classes load before any of their channels exists:
 * {@code Epoll.isAvailable()} or {@code IoUring.isAvailable()} and the event loop group come
 * first. The channel classes that load while Byte Buddy is being installed are retransformed by
 * it; the connections made before the install is done (half a second of CPU or more after the
 * first class of the transport loads) are not seen.
 *
 * <p>The transformer itself only compares the name of each class that loads with these two, and
 * looks for Netty's epoll and io_uring packages in it. It does no more than release the waiting
 * agent thread: no thread is started and nothing is loaded from inside the application's class
 * loading.
 */
public final class LibraryTrigger implements ClassFileTransformer {

    static final String JDBC_DRIVER = "java.sql.Driver";
    static final String JDBC_CONNECTION = "java.sql.Connection";

    /** Every JDBC type a {@link TypeInstrumentation} matches implements one of these. */
    static final String[] SUPERTYPES = {JDBC_DRIVER, JDBC_CONNECTION};
    private static final String[] SUPERTYPES_INTERNAL = {"java/sql/Driver", "java/sql/Connection"};
    /** Where a jar declares the JDBC drivers it holds, for {@code DriverManager}. */
    private static final String DECLARED_DRIVERS = "META-INF/services/java.sql.Driver";

    private final CountDownLatch librariesInUse = new CountDownLatch(1);
    private final boolean netty;
    private volatile String startedBy;
    private volatile LibraryInstaller installer;

    private LibraryTrigger(boolean netty) {
        this.netty = netty;
    }

    /**
     * Registers the trigger and starts the agent thread that waits for it. A supertype or a class of
     * Netty's native transports already loaded (attached to a running JVM, or loaded by an agent before this one) fires
     * it at once; so does, on that thread, a driver declared on the class path.
     *
     * @param netty false ({@code instrument.netty=false}): Netty is neither a trigger nor instrumented
     */
    public static LibraryTrigger arm(Instrumentation inst, boolean netty, Consumer<String> errors,
                                     Consumer<String> debug) {
        LibraryTrigger trigger = new LibraryTrigger(netty);
        // Registered as able to retransform, as the JDK types' transformer is in a JVM attached
        // to: the JVM copies the bytes of every class that loads once for each kind of
        // transformer registered.
        inst.addTransformer(trigger, true);
        // Listed after the transformer is in place: a supertype loading meanwhile is seen by one or the other.
        for (Class<?> type : inst.getAllLoadedClasses()) {
            String name = type.getName();
            if (trigger.fires(name.replace('.', '/'))) {
                trigger.fire(name + " already loaded");
                break;
            }
        }
        AgentThreads.newThread("libraries", new Runnable() {
            @Override
            public void run() {
                trigger.installOnceInUse(inst, errors, debug);
            }
        }).start();
        return trigger;
    }

    /** Whether a class loading, by its internal name, says that a library to instrument is in use. */
    private boolean fires(String internalName) {
        return isJdbcSupertype(internalName) || netty && NettyNames.isNativeTransportClass(internalName);
    }

    /** Whether {@code internalName} is one of {@link #SUPERTYPES}, by internal name. */
    static boolean isJdbcSupertype(String internalName) {
        return internalName.equals(SUPERTYPES_INTERNAL[0]) || internalName.equals(SUPERTYPES_INTERNAL[1]);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (startedBy == null && className != null && fires(className)) {
            fire(className.replace('/', '.') + " loading");
        }
        return null;
    }

    private void fire(String reason) {
        if (startedBy == null) {
            startedBy = reason;
        }
        librariesInUse.countDown();
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

    private void installOnceInUse(Instrumentation inst, Consumer<String> errors, Consumer<String> debug) {
        // Looked up here, not in premain: it opens every jar of the class path.
        if (ClassLoader.getSystemResource(DECLARED_DRIVERS) != null) {
            fire("a JDBC driver on the class path");
        }
        while (librariesInUse.getCount() > 0) {
            try {
                librariesInUse.await();
            } catch (InterruptedException e) {
                // An application may interrupt every thread it finds: keep waiting.
            }
        }
        inst.removeTransformer(this);
        long start = System.nanoTime();
        try {
            LibraryInstaller i = new LibraryInstaller(netty);
            installer = i;
            i.install(inst, errors);
            Bridge.libraryAdviceInstalled = true;
            debug.accept("instrumented library types in " + (System.nanoTime() - start) / 1_000_000
                    + " ms, started by " + startedBy + ": " + i.instrumented());
        } catch (Throwable t) {
            errors.accept("cannot instrument library types, JDBC connections are seen as TCP connections only"
                    + (netty ? " and Netty epoll and io_uring connections not at all" : "") + ": " + t);
        }
    }
}
