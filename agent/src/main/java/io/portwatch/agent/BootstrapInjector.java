package io.portwatch.agent;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Defines the classes of {@code io.portwatch.bootstrap} in the bootstrap class loader, so that
 * the code woven into {@code java.base} can call them. Only those few classes go there: the rest of
 * the agent (and its shaded Byte Buddy) stays in the system class loader.
 *
 * <p>They are defined directly rather than by appending a jar to the bootstrap search path: an
 * appended path makes HotSpot print "Sharing is only supported for boot loader classes because
 * bootstrap classpath has been appended" on the application's standard output, and switches off
 * class-data sharing for the application's classes. The JDK's internal {@code Unsafe.defineClass}
 * does it without a word once {@code java.base} opens that package to the agent, which an agent
 * may ask of the JVM ({@link Instrumentation#redefineModule}). (Byte Buddy's own injector goes
 * through {@code sun.misc.Unsafe}, which JDK 24+ warns about on stderr.)
 *
 * <p>Must run before any agent class that refers to a bootstrap class is loaded: the verifier
 * would load its own copy through the system loader.
 */
final class BootstrapInjector {

    private static final String PACKAGE_DIR = "io/portwatch/bootstrap/";

    /**
     * The classes of {@code io.portwatch.bootstrap}, named rather than found: listing the agent
     * jar's five thousand entries to find them took 13 ms of the start. A unit test holds this
     * list to the package's compiled classes.
     */
    static final String[] CLASSES = {
        "Bridge", "JdkHooks", "Recordings",
        "SocketListener", "SocketListener$1",
        "JdbcListener", "JdbcListener$1",
        "NettyListener", "NettyListener$1",
    };

    private BootstrapInjector() {}

    /** True when an earlier load of the agent (into this JVM) already did this. */
    static boolean alreadyInjected() {
        try {
            Class.forName("io.portwatch.bootstrap.Bridge", false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static void inject(Instrumentation inst, File agentJar) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (JarFile jar = new JarFile(agentJar)) {
            for (String name : CLASSES) {
                JarEntry entry = jar.getJarEntry(PACKAGE_DIR + name + ".class");
                if (entry == null) {
                    throw new IOException("no " + PACKAGE_DIR + name + ".class in " + agentJar);
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    classes.put(PACKAGE_DIR.replace('/', '.') + name, read(in));
                }
            }
        }
        defineInBootLoader(inst, classes);
    }

    private static void defineInBootLoader(Instrumentation inst, Map<String, byte[]> classes) throws IOException {
        try {
            Module javaBase = Object.class.getModule();
            Set<Module> us = Collections.singleton(BootstrapInjector.class.getModule());
            Map<String, Set<Module>> misc = Collections.singletonMap("jdk.internal.misc", us);
            inst.redefineModule(javaBase, Collections.emptySet(), misc, misc, Collections.emptySet(),
                    Collections.emptyMap());
            Class<?> unsafeClass = Class.forName("jdk.internal.misc.Unsafe");
            Object unsafe = unsafeClass.getMethod("getUnsafe").invoke(null);
            Method define = unsafeClass.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                    ClassLoader.class, ProtectionDomain.class);
            // A class can only be defined once its supertypes can be found: retry the ones that
            // failed for that reason until a pass defines nothing more.
            Map<String, byte[]> pending = new LinkedHashMap<>(classes);
            boolean progress = true;
            Throwable last = null;
            while (!pending.isEmpty() && progress) {
                progress = false;
                for (Iterator<Map.Entry<String, byte[]>> it = pending.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<String, byte[]> c = it.next();
                    try {
                        define.invoke(unsafe, c.getKey(), c.getValue(), 0, c.getValue().length, null, null);
                        it.remove();
                        progress = true;
                    } catch (InvocationTargetException e) {
                        last = e.getCause();
                    }
                }
            }
            if (!pending.isEmpty()) {
                throw new IOException("cannot define " + pending.keySet() + " in the bootstrap loader", last);
            }
            // The code woven into java.base calls these classes, which are in the bootstrap
            // loader's unnamed module: java.base must read it. The JVM adds that edge by itself
            // once an agent transforms a class of java.base (Modules.transformedByAgent); asked
            // for here, it does not rest on that.
            Module bridge = Class.forName("io.portwatch.bootstrap.Bridge", false, null).getModule();
            inst.redefineModule(javaBase, Collections.singleton(bridge), Collections.emptyMap(), Collections.emptyMap(),
                    Collections.emptySet(), Collections.emptyMap());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot define the bootstrap bridge: " + e, e);
        }
    }

    private static byte[] read(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
