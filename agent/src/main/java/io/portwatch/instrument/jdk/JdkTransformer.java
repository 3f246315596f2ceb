package io.portwatch.instrument.jdk;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Weaves the JDK's socket classes with plain ASM as they are loaded or retransformed. It looks at
 * nothing but the loader (the bootstrap one) and the class name: a class of any other loader costs
 * it one null check, any other JDK class one string compare per woven type; a class it weaves is read once and
 * written once, its other methods copied as they are. A type it cannot weave is left as it was,
 * with one line said; the application runs on.
 */
public final class JdkTransformer implements ClassFileTransformer {

    /** The woven types, by internal name. */
    static final String[] TYPES = {
            SocketWeaver.NAME,
            SocketStreamWeaver.Input.NAME,
            SocketStreamWeaver.Output.NAME,
            ServerSocketWeaver.NAME,
            SocketChannelWeaver.NAME,
            LocalAddressWeaver.NAME,
            AsyncSocketChannelWeaver.NAME,
            UnixAsyncSocketChannelWeaver.NAME,
    };

    public static final int TYPE_COUNT = TYPES.length;

    /** Error lines shown; past them, one more says the rest are not. A stderr shared with the application. */
    private static final int SHOWN = 3;

    private final Consumer<String> errors;
    private final AtomicInteger errorCount;
    private final Map<String, List<String>> woven;

    public JdkTransformer(Consumer<String> errors) {
        this(errors, new AtomicInteger(), new ConcurrentHashMap<>());
    }

    private JdkTransformer(Consumer<String> errors, AtomicInteger errorCount, Map<String, List<String>> woven) {
        this.errors = errors;
        this.errorCount = errorCount;
        this.woven = woven;
    }

    /**
     * A second transformer that weaves alike and shares this one's record of what was woven and
     * of the errors said: one object can be registered with the JVM as one kind of transformer
     * only, and removing it would not say which.
     */
    JdkTransformer twin() {
        return new JdkTransformer(errors, errorCount, woven);
    }

    static boolean weaves(String className) {
        for (String type : TYPES) {
            if (type.equals(className)) {
                return true;
            }
        }
        return false;
    }

    /** The weaver for a class name, or null for every class but the woven ones. */
    static TypeWeaver weaverFor(String className, ClassVisitor next) {
        switch (className) {
            case SocketWeaver.NAME: return new SocketWeaver(next);
            case SocketStreamWeaver.Input.NAME: return new SocketStreamWeaver.Input(next);
            case SocketStreamWeaver.Output.NAME: return new SocketStreamWeaver.Output(next);
            case ServerSocketWeaver.NAME: return new ServerSocketWeaver(next);
            case SocketChannelWeaver.NAME: return new SocketChannelWeaver(next);
            case LocalAddressWeaver.NAME: return new LocalAddressWeaver(next);
            case AsyncSocketChannelWeaver.NAME: return new AsyncSocketChannelWeaver(next);
            case UnixAsyncSocketChannelWeaver.NAME: return new UnixAsyncSocketChannelWeaver(next);
            default: return null;
        }
    }

    /**
     * Weaves {@code classfile} as the JDK type {@code typeName}; null when no method of it was one
     * to hook. The bytes woven are in the weaver returned.
     */
    static TypeWeaver weave(byte[] classfile, String typeName) {
        ClassReader reader = new ClassReader(classfile);
        // Given the reader, the writer copies the constant pool and every method left alone.
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        TypeWeaver weaver = weaverFor(typeName, writer);
        if (weaver == null) {
            return null;
        }
        // Expanded frames: HookedMethod adds a local to them and writes the handler's in full.
        reader.accept(weaver, ClassReader.EXPAND_FRAMES);
        if (weaver.woven().isEmpty()) {
            return null;
        }
        weaver.bytes = writer.toByteArray();
        return weaver;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (loader != null || !weaves(className)) {
            return null; // the woven types are java.base's, defined by the bootstrap loader
        }
        try {
            TypeWeaver weaver = weave(classfileBuffer, className);
            if (weaver == null) {
                return null;
            }
            woven.put(className.replace('/', '.'), weaver.woven());
            return weaver.bytes;
        } catch (Throwable t) {
            int n = errorCount.incrementAndGet();
            if (n <= SHOWN) {
                errors.accept("cannot instrument " + className.replace('/', '.') + ", its connections go unseen: " + t
                        + (n == SHOWN ? " (further instrumentation errors not shown)" : ""));
            }
            return null;
        }
    }

    /** The types woven so far, with their woven methods (name and descriptor). */
    public Map<String, List<String>> woven() {
        return new TreeMap<>(woven);
    }
}
