package io.portwatch.instrument;

import io.portwatch.instrument.netty.NettyTypes;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Opcodes;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which classes, as they load, Byte Buddy's transformer is shown: those that may be one of the
 * library types instrumented. Every class loaded after the library instrumentation is installed
 * passes here, thousands in an application's first seconds.
 *
 * <p>Byte Buddy answers "implements {@code java.sql.Connection}" by describing the class and each
 * of its supertypes, reading their class files through the class loader, again for every class:
 * about 0.3 ms a class, 1.5 s of CPU on the loading thread for 4,900 classes of four common jars.
 * Here only the class file's header is read (its superclass and interfaces, from the bytes the JVM
 * hands over); a supertype of the JDK's answers at once (none of them implements either
 * interface but the interfaces themselves), and one of the application's is read once per class
 * loader, its answer remembered. The Netty types are told by name. What passes is matched by
 * Byte Buddy as before, so this can only spare work, never instrument a class it would not.
 */
final class LibraryTypeFilter {

    /** Supertypes followed, at most, from one class: a cycle only a broken class path could make stops here. */
    private static final int MAX_DEPTH = 64;

    private final boolean netty;
    /** Per class loader: whether a type, by internal name, implements one of the two JDBC interfaces. */
    private final Map<ClassLoader, Map<String, Boolean>> answers = Collections.synchronizedMap(new WeakHashMap<>());

    LibraryTypeFilter(boolean netty) {
        this.netty = netty;
    }

    /** Byte Buddy's transformer, shown only the classes that pass (and every retransformation, which the agent asks for a few). */
    ResettableClassFileTransformer filtering(ResettableClassFileTransformer byteBuddy) {
        return new Filtering(byteBuddy, this);
    }

    /** False when the class loading, by its internal name and class file, cannot be a library type instrumented. */
    boolean mayBeLibraryType(ClassLoader loader, String internalName, byte[] classfile) {
        if (internalName == null || isJdk(internalName)) {
            return false;
        }
        if (netty && internalName.contains("netty/") && NettyTypes.isInstrumented(internalName.replace('/', '.'))) {
            return true;
        }
        ClassReader header = new ClassReader(classfile);
        return (header.getAccess() & Opcodes.ACC_INTERFACE) == 0 && supertypesImplementJdbc(loader, header, 0);
    }

    private boolean supertypesImplementJdbc(ClassLoader loader, ClassReader header, int depth) {
        if (implementsJdbc(loader, header.getSuperName(), depth + 1)) {
            return true;
        }
        for (String type : header.getInterfaces()) {
            if (implementsJdbc(loader, type, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    private boolean implementsJdbc(ClassLoader loader, String type, int depth) {
        if (type == null || depth > MAX_DEPTH) {
            return false;
        }
        if (LibraryTrigger.isJdbcSupertype(type)) {
            return true;
        }
        if (isJdk(type)) {
            return false;
        }
        Map<String, Boolean> known = answers.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
        Boolean answer = known.get(type);
        if (answer == null) {
            byte[] classfile = classFile(loader, type);
            answer = classfile != null && supertypesImplementJdbc(loader, new ClassReader(classfile), depth);
            known.put(type, answer);
        }
        return answer;
    }

    /**
     * The JDK's packages, and {@code javax.*} (where the Java EE APIs live too, and no driver):
     * none of their types implements {@code java.sql.Driver} or {@code java.sql.Connection}.
     */
    private static boolean isJdk(String internalName) {
        return internalName.startsWith("java/") || internalName.startsWith("javax/") || internalName.startsWith("jdk/")
                || internalName.startsWith("sun/") || internalName.startsWith("com/sun/");
    }

    /** The class file of {@code type} as {@code loader} would find it; null when it finds none. */
    private static byte[] classFile(ClassLoader loader, String type) {
        String resource = type + ".class";
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException | RuntimeException unreadable) {
            return null; // a supertype that cannot be read cannot be a JDBC type Byte Buddy could describe either
        }
    }

    /** Byte Buddy's transformer behind the filter; resetting and the rest go to it unchanged. */
    private static final class Filtering extends ResettableClassFileTransformer.WithDelegation {
        private final LibraryTypeFilter filter;

        Filtering(ResettableClassFileTransformer byteBuddy, LibraryTypeFilter filter) {
            super(byteBuddy);
            this.filter = filter;
        }

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                                ProtectionDomain protectionDomain, byte[] classfileBuffer) throws IllegalClassFormatException {
            if (!passes(loader, className, classBeingRedefined, classfileBuffer)) return null;
            return classFileTransformer.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
                                ProtectionDomain protectionDomain, byte[] classfileBuffer) throws IllegalClassFormatException {
            if (!passes(loader, className, classBeingRedefined, classfileBuffer)) return null;
            return classFileTransformer.transform(module, loader, className, classBeingRedefined, protectionDomain,
                    classfileBuffer);
        }

        private boolean passes(ClassLoader loader, String className, Class<?> classBeingRedefined, byte[] classfile) {
            try {
                return classBeingRedefined != null || filter.mayBeLibraryType(loader, className, classfile);
            } catch (RuntimeException malformed) {
                return true; // Byte Buddy decides, as it did before this filter, and says what it finds wrong
            }
        }
    }
}
