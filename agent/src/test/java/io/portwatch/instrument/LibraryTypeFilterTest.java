package io.portwatch.instrument;

import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URL;
import java.sql.Connection;
import java.sql.Driver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibraryTypeFilterTest {

    // Fixtures: JDBC types near and far from the interfaces, and types that are not.
    abstract static class DirectConnection implements Connection {}
    abstract static class DirectDriver implements Driver {}
    interface SubConnection extends Serializable, Connection {}
    abstract static class ThroughAnInterface implements Runnable, SubConnection {}
    abstract static class ThroughASuperclass extends ThroughAnInterface {}
    abstract static class ThroughTwoSuperclasses extends ThroughASuperclass implements Callable<String> {}
    abstract static class Unrelated implements Runnable, Serializable {}
    abstract static class UnrelatedSubclass extends Unrelated implements Comparable<String> {}

    private static final Class<?>[] JDBC = {DirectConnection.class, DirectDriver.class, ThroughAnInterface.class,
            ThroughASuperclass.class, ThroughTwoSuperclasses.class};
    private static final Class<?>[] NOT_JDBC = {SubConnection.class, Unrelated.class, UnrelatedSubclass.class,
            LibraryTypeFilterTest.class, String.class};

    @Test
    void passesTheJdbcTypesHoweverFarTheInterfaceAndNothingElse() throws IOException {
        LibraryTypeFilter filter = new LibraryTypeFilter(false);
        for (Class<?> type : JDBC) assertTrue(passes(filter, type), type.getName());
        for (Class<?> type : NOT_JDBC) assertFalse(passes(filter, type), type.getName());
    }

    /** What it lets by is a superset of what the instrumentations match: it can only spare work. */
    @Test
    void agreesWithTheInstrumentationsMatchers() throws IOException {
        List<TypeInstrumentation> jdbc = LibraryInstaller.instrumentations(false);
        List<Class<?>> all = new ArrayList<>(List.of(JDBC));
        all.addAll(List.of(NOT_JDBC));
        for (Class<?> type : all) {
            boolean matched = jdbc.stream().anyMatch(i -> i.type().matches(TypeDescription.ForLoadedType.of(type)));
            assertEquals(matched, passes(new LibraryTypeFilter(false), type), type.getName());
        }
    }

    @Test
    void anApplicationSupertypeIsReadOncePerClassLoader() throws IOException {
        CountingLoader loader = new CountingLoader();
        LibraryTypeFilter filter = new LibraryTypeFilter(false);
        assertTrue(filter.mayBeLibraryType(loader, internalName(ThroughTwoSuperclasses.class), classFile(ThroughTwoSuperclasses.class)));
        int reads = loader.reads;
        assertEquals(3, reads, "ThroughASuperclass, ThroughAnInterface, SubConnection");
        assertTrue(filter.mayBeLibraryType(loader, internalName(ThroughASuperclass.class), classFile(ThroughASuperclass.class)));
        assertEquals(reads, loader.reads, "remembered");
        assertTrue(filter.mayBeLibraryType(new CountingLoader(), internalName(ThroughASuperclass.class),
                classFile(ThroughASuperclass.class)), "another loader reads for itself");
    }

    @Test
    void aSupertypeThatCannotBeFoundIsNotJdbc() throws IOException {
        ClassLoader empty = new ClassLoader(null) {
            @Override
            public InputStream getResourceAsStream(String name) {
                return null;
            }
        };
        assertFalse(new LibraryTypeFilter(false).mayBeLibraryType(empty, internalName(ThroughASuperclass.class),
                classFile(ThroughASuperclass.class)));
    }

    @Test
    void nettyTypesPassByNameWhenNettyIsInstrumented() {
        byte[] notAClassFile = {1, 2, 3};
        String epoll = "io/netty/channel/epoll/AbstractEpollChannel";
        String shaded = "io/grpc/netty/shaded/io/netty/channel/epoll/EpollSocketChannel";
        assertTrue(new LibraryTypeFilter(true).mayBeLibraryType(null, epoll, notAClassFile));
        assertTrue(new LibraryTypeFilter(true).mayBeLibraryType(null, shaded, notAClassFile));
        assertFalse(new LibraryTypeFilter(true).mayBeLibraryType(null, "io/netty/channel/epoll/Epoll",
                classFileOrEmpty()), "a Netty class that is not instrumented goes the JDBC way");
    }

    @Test
    void theJdkAndHiddenClassesAreNeverRead() {
        byte[] notAClassFile = {1, 2, 3};
        assertFalse(new LibraryTypeFilter(true).mayBeLibraryType(null, "java/sql/SomeDriver", notAClassFile));
        assertFalse(new LibraryTypeFilter(true).mayBeLibraryType(null, null, notAClassFile));
    }

    private static boolean passes(LibraryTypeFilter filter, Class<?> type) throws IOException {
        return filter.mayBeLibraryType(type.getClassLoader(), internalName(type), classFile(type));
    }

    private static String internalName(Class<?> type) {
        return type.getName().replace('.', '/');
    }

    private static byte[] classFile(Class<?> type) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName(type) + ".class")) {
            return in.readAllBytes();
        }
    }

    /** An unrelated Object subclass's class file: its supertypes are the JDK's, nothing is read. */
    private static byte[] classFileOrEmpty() {
        try {
            return classFile(Unrelated.class);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Finds classes where the system loader does, and counts the class files read through it. */
    private static final class CountingLoader extends ClassLoader {
        int reads;

        CountingLoader() {
            super(null);
        }

        @Override
        public URL getResource(String name) {
            return ClassLoader.getSystemResource(name);
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            reads++;
            return ClassLoader.getSystemResourceAsStream(name);
        }
    }
}
