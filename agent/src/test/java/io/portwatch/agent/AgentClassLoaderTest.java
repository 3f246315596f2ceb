package io.portwatch.agent;

import io.portwatch.bootstrap.Bridge;
import io.portwatch.kernel.Sysctls;
import io.portwatch.kernel.IpAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentClassLoaderTest {

    /** A jar holding copies of {@code classes}, its manifest naming a version. */
    private static Path jarOf(Path dir, Class<?>... classes) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "9.9-test");
        Path jar = dir.resolve("agent.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Class<?> c : classes) {
                String entry = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void theAgentsClassesAreItsOwnDefinedFromTheJarWithItsVersion(@TempDir Path dir) throws Exception {
        Path jar = jarOf(dir, IpAddress.class);
        AgentClassLoader loader = new AgentClassLoader(jar.toFile(), getClass().getClassLoader());
        Class<?> address = loader.loadClass(IpAddress.class.getName());
        assertSame(loader, address.getClassLoader(), "child first: not the parent's copy");
        assertNotSame(IpAddress.class, address);
        assertSame(address, loader.loadClass(IpAddress.class.getName()), "defined once");
        assertEquals("9.9-test", address.getPackage().getImplementationVersion(), "the manifest's version");
        assertEquals(jar.toUri().toURL(), address.getProtectionDomain().getCodeSource().getLocation());
    }

    @Test
    void theBridgeTheEntryPointAndWhatTheJarLacksComeFromTheParent(@TempDir Path dir) throws Exception {
        Path jar = jarOf(dir, Bridge.class, PortwatchAgent.class, AgentClassLoader.class);
        AgentClassLoader loader = new AgentClassLoader(jar.toFile(), getClass().getClassLoader());
        // The bridge is the bootstrap loader's once injected: a copy here would be a class apart.
        assertSame(Bridge.class, loader.loadClass(Bridge.class.getName()));
        assertSame(PortwatchAgent.class, loader.loadClass(PortwatchAgent.class.getName()));
        assertSame(AgentClassLoader.class, loader.loadClass(AgentClassLoader.class.getName()));
        assertSame(Sysctls.class, loader.loadClass(Sysctls.class.getName()), "not in the jar");
        assertSame(String.class, loader.loadClass("java.lang.String"));
    }

    @Test
    void ownClassesAreTheAgentsButTheBridgeAndTheEntryPoint() {
        assertTrue(AgentClassLoader.ownClass("io.portwatch.track.Tracker"));
        assertTrue(AgentClassLoader.ownClass("io.portwatch.shaded.bytebuddy.ByteBuddy"));
        assertFalse(AgentClassLoader.ownClass("io.portwatch.bootstrap.Bridge"));
        assertFalse(AgentClassLoader.ownClass("io.portwatch.agent.PortwatchAgent"));
        assertFalse(AgentClassLoader.ownClass("io.portwatch.agent.AgentClassLoader"));
        assertFalse(AgentClassLoader.ownClass("java.lang.String"));
        assertFalse(AgentClassLoader.ownClass("io.portwatchers.Other"));
    }
}
