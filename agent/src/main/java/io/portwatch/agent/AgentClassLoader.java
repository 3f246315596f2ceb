package io.portwatch.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Loads the agent's classes straight from its jar. The JVM appends the agent's jar to the
 * application's class path, so the application's class loader looks for each of the agent's
 * classes along the whole class path first: every directory on it costs two URL parses and a file
 * lookup per class. A hello-world on a directory made that about 460 URL parses for the agent's
 * start, past the point where the JVM compiles its URL parser, about 3.5 MB of compiler memory in
 * one run out of two. Looked up here, a class costs one read of an entry of a jar that is open
 * already (the JVM shares its central directory), and its classes are stored uncompressed.
 *
 * <p>Child first for the agent's own classes ({@code io.portwatch.}, Byte Buddy and portwatch-api
 * relocated under it), but for the bridge ({@code io.portwatch.bootstrap.}, the bootstrap
 * loader's once injected) and the entry point and this class, which the application's loader
 * holds. Everything else, and what the jar does not hold, comes from the parent. Resources too:
 * the jar is on the parent's class path.
 */
final class AgentClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final Manifest manifest;
    private final ProtectionDomain domain;

    AgentClassLoader(File jarFile, ClassLoader parent) throws IOException {
        super(parent);
        // Not multi-release: the agent's own classes have no versioned copies.
        this.jar = new JarFile(jarFile, false);
        this.manifest = jar.getManifest();
        this.domain = new ProtectionDomain(new CodeSource(jarFile.toURI().toURL(), (Certificate[]) null), null, this, null);
    }

    /** Whether {@code name} is loaded from the jar here rather than by the parent. */
    static boolean ownClass(String name) {
        return name.startsWith("io.portwatch.") && !name.startsWith("io.portwatch.bootstrap.")
                && !name.equals(PortwatchAgent.class.getName()) && !name.startsWith(AgentClassLoader.class.getName());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!ownClass(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = defineFromJar(name);
            }
            if (c == null) {
                return super.loadClass(name, resolve); // not in the jar: a test's class path, say
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    private Class<?> defineFromJar(String name) throws ClassNotFoundException {
        JarEntry entry = jar.getJarEntry(name.replace('.', '/') + ".class");
        if (entry == null) {
            return null;
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            // The size from the jar's directory: read into one array of it, not grown in chunks
            // and copied (twice the class in garbage, for each of the start's classes).
            long size = entry.getSize();
            if (size < 0 || size > Integer.MAX_VALUE) {
                bytes = in.readAllBytes();
            } else {
                bytes = new byte[(int) size];
                if (in.readNBytes(bytes, 0, bytes.length) != bytes.length) throw new IOException("truncated entry");
            }
        } catch (IOException e) {
            throw new ClassNotFoundException(name + ": cannot read it from " + jar.getName(), e);
        }
        int dot = name.lastIndexOf('.');
        definePackageOnce(name.substring(0, dot));
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    /** With the manifest's title and version, which the export reports as the agent's. */
    private void definePackageOnce(String pkg) {
        if (getDefinedPackage(pkg) != null) {
            return;
        }
        Attributes a = manifest == null ? new Attributes() : manifest.getMainAttributes();
        try {
            definePackage(pkg, a.getValue(Attributes.Name.SPECIFICATION_TITLE),
                    a.getValue(Attributes.Name.SPECIFICATION_VERSION), a.getValue(Attributes.Name.SPECIFICATION_VENDOR),
                    a.getValue(Attributes.Name.IMPLEMENTATION_TITLE), a.getValue(Attributes.Name.IMPLEMENTATION_VERSION),
                    a.getValue(Attributes.Name.IMPLEMENTATION_VENDOR), null);
        } catch (IllegalArgumentException definedMeanwhile) {
            // another thread defined it first: the same attributes
        }
    }
}
