package io.portwatch.instrument;

import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibraryInstallerTest {

    /** A package added to the agent and not to the list would have its classes matched against JDBC and Netty. */
    @Test
    void everyPackageOfTheAgentIsLeftAlone() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Paths.get(LibraryInstaller.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> missing = new ArrayList<>();
        int packages = 0;
        try (Stream<Path> dirs = Files.walk(classes.resolve("io/portwatch"))) {
            for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                Optional<Path> first;
                try (Stream<Path> files = Files.list(dir)) {
                    first = files.filter(f -> f.toString().endsWith(".class")).findFirst();
                }
                if (first.isEmpty()) continue;
                packages++;
                String name = classes.relativize(first.get()).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, LibraryInstaller.class.getClassLoader());
                if (!LibraryInstaller.NOT_APPLICATION.matches(TypeDescription.ForLoadedType.of(type))) missing.add(name);
            }
        }
        assertTrue(packages >= 12, "found " + packages + " packages under " + classes);
        assertEquals(List.of(), missing, "classes of the agent that LibraryInstaller.NOT_APPLICATION does not exclude");
    }

    @Test
    void anApplicationsOwnIoPortwatchPackageIsMatched() {
        assertFalse(LibraryInstaller.NOT_APPLICATION.matches(
                new TypeDescription.Latent("io.portwatch.it.workload.StubDriver", 0, TypeDescription.Generic.OBJECT)));
    }
}
