package io.portwatch.it.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;

/**
 * A private copy of sample-app.jar for one test class (other builds may rewrite the original while
 * a child runs), made before its tests and deleted after: {@code @RegisterExtension static final
 * SampleJar sampleJar = new SampleJar();}.
 */
public final class SampleJar implements BeforeAllCallback, AfterAllCallback {

    private Path copy;

    public Path path() {
        return copy;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path original = SampleApp.builtSampleJar();
        for (int attempt = 1; ; attempt++) {
            Path candidate = Files.createTempFile("sample-app-it-", ".jar");
            Files.copy(original, candidate, StandardCopyOption.REPLACE_EXISTING);
            try (JarFile jar = new JarFile(candidate.toFile())) {
                if (jar.getManifest().getMainAttributes().getValue("Main-Class") != null
                        && jar.getEntry("io/portwatch/sample/Main.class") != null) {
                    copy = candidate;
                    return;
                }
            } catch (IOException | RuntimeException e) {
                // copied while being rewritten: again
            }
            Files.deleteIfExists(candidate);
            if (attempt == 5) throw new IllegalStateException("no usable copy of " + original);
            Thread.sleep(2000);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (copy != null) Files.deleteIfExists(copy);
    }
}
