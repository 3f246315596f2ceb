package io.portwatch.agent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BootstrapInjectorTest {

    /** A class added to the bootstrap package and not to the list would be missing at run time. */
    @Test
    void namesEveryCompiledClassOfTheBootstrapPackage() throws IOException, URISyntaxException {
        Path dir = Paths.get(io.portwatch.bootstrap.Bridge.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/portwatch/bootstrap");
        Set<String> compiled;
        try (Stream<Path> files = Files.list(dir)) {
            compiled = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".class") && !n.equals("package-info.class")) // documentation only
                    .map(n -> n.substring(0, n.length() - ".class".length()))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(compiled, new TreeSet<>(Arrays.asList(BootstrapInjector.CLASSES)),
                "BootstrapInjector.CLASSES must name exactly the classes compiled into " + dir);
    }
}
