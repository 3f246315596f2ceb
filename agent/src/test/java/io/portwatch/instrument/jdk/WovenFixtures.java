package io.portwatch.instrument.jdk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Fixture classes woven as if they were the JDK types whose methods they copy, and defined in a
 * loader of their own: the JVM verifies them as it loads them (unlike the JDK's own classes), so a
 * woven frame or stack that does not hold fails the test there. The hooks they call are the test
 * class path's {@code JdkHooks}, which hand to the test class path's {@code Bridge}.
 */
final class WovenFixtures extends ClassLoader {

    private final Map<String, byte[]> woven = new HashMap<>();

    WovenFixtures() {
        super(WovenFixtures.class.getClassLoader());
    }

    /** Weaves fixture {@code fixture} as JDK type {@code jdkType} (internal name); returns this. */
    WovenFixtures weave(Class<?> fixture, String jdkType) {
        TypeWeaver weaver = JdkTransformer.weave(bytesOf(fixture), jdkType);
        if (weaver == null) throw new AssertionError(fixture + " woven as " + jdkType + ": no method was hooked");
        woven.put(fixture.getName(), weaver.bytes);
        return this;
    }

    static byte[] bytesOf(Class<?> type) {
        return bytesOf(type.getName().replace('.', '/'));
    }

    /** A class file from the class path, or the JDK's. */
    static byte[] bytesOf(String internalName) {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            if (in == null) throw new IllegalArgumentException("no class file for " + internalName);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null && name.startsWith("io.portwatch.instrument.jdk.fixtures.")) {
                byte[] bytes = woven.containsKey(name) ? woven.get(name) : bytesOf(name.replace('.', '/'));
                loaded = defineClass(name, bytes, 0, bytes.length);
            }
            if (loaded == null) {
                return super.loadClass(name, resolve);
            }
            if (resolve) resolveClass(loaded);
            return loaded;
        }
    }
}
