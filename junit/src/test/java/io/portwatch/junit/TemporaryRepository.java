package io.portwatch.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A Maven local repository of its own for a child build, holding portwatch as {@code mvn install}
 * in a portwatch checkout leaves it (each module's pom.xml as it is, and its jar), and a
 * settings.xml that takes everything else from this build's own local repository, read as a
 * {@code file:} repository: no network, and nothing of the child's is written there, nor does a
 * portwatch that another build installed there stand in for the one just built.
 *
 * <p>The artifacts are copied into the repository's layout rather than installed with
 * {@code install:install-file}: portwatch's build never runs the install plugin, so a fresh
 * machine that has just built portwatch does not have it.
 */
final class TemporaryRepository {

    static final String GROUP = "io/portwatch";

    final Path directory;
    final Path settings;

    private TemporaryRepository(Path directory, Path settings) {
        this.directory = directory;
        this.settings = settings;
    }

    /**
     * Under {@code dir}: the repository with portwatch {@code version} from the checkout at
     * {@code root} (built: its jars in each module's target/), and the settings reading
     * {@code buildRepository} for the rest.
     */
    static TemporaryRepository withPortwatch(Path dir, Path root, String version, Path buildRepository) throws IOException {
        Path repo = dir.resolve("repository");
        install(repo, "portwatch-parent", version, root.resolve("pom.xml"), null);
        install(repo, "portwatch-api", version, root.resolve("api/pom.xml"),
                root.resolve("api/target/portwatch-api-" + version + ".jar"));
        install(repo, "portwatch-junit", version, root.resolve("junit/pom.xml"),
                root.resolve("junit/target/portwatch-junit-" + version + ".jar"));
        install(repo, "portwatch-agent", version, root.resolve("agent/pom.xml"),
                root.resolve("agent/target/portwatch-agent.jar"));
        Path settings = dir.resolve("settings.xml");
        Files.writeString(settings, settings(buildRepository.toUri().toString()));
        return new TemporaryRepository(repo, settings);
    }

    private static void install(Path repo, String artifactId, String version, Path pom, Path jar) throws IOException {
        Path to = repo.resolve(GROUP).resolve(artifactId).resolve(version);
        Files.createDirectories(to);
        for (Path from : new Path[] {pom, jar}) {
            if (from == null) {
                continue;
            }
            if (!Files.isRegularFile(from)) {
                throw new IllegalStateException(from + " is not built: run mvn verify from portwatch's root");
            }
            String ext = from == pom ? ".pom" : ".jar";
            Files.copy(from, to.resolve(artifactId + "-" + version + ext), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Every repository mirrored to {@code url}; central redefined there without checksum checks (a
     * local repository keeps none for most files) and, as Maven's own central, without snapshots:
     * portwatch's snapshots come from the temporary repository only.
     */
    private static String settings(String url) {
        String repository = "<id>central</id><url>" + url + "</url>"
                + "<releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>";
        return "<settings>\n"
                + "  <mirrors><mirror><id>build-repository</id><mirrorOf>*</mirrorOf><url>" + url + "</url></mirror></mirrors>\n"
                + "  <profiles><profile><id>build-repository</id>\n"
                + "    <repositories><repository>" + repository + "</repository></repositories>\n"
                + "    <pluginRepositories><pluginRepository>" + repository + "</pluginRepository></pluginRepositories>\n"
                + "  </profile></profiles>\n"
                + "  <activeProfiles><activeProfile>build-repository</activeProfile></activeProfiles>\n"
                + "</settings>\n";
    }
}
