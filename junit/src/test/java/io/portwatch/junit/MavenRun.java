package io.portwatch.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of Maven in a child process: the Maven running this build (its {@code maven.home}), on
 * a given JDK, with a given settings file and local repository. Its output (stdout and stderr
 * together, as a user sees them in a terminal) goes to a file, which cannot fill up and block it.
 */
final class MavenRun {

    /** A build of a small project takes seconds; past this it hangs, and is killed. */
    private static final long TIMEOUT_MINUTES = 5;

    final int exitCode;
    final String output;

    private MavenRun(int exitCode, String output) {
        this.exitCode = exitCode;
        this.output = output;
    }

    static MavenRun run(Path mavenHome, Path javaHome, Path project, TemporaryRepository repository, String... goals)
            throws IOException, InterruptedException {
        Path mvn = mavenHome.resolve("bin/mvn");
        if (!Files.isExecutable(mvn)) {
            throw new IllegalStateException("no Maven at " + mvn + " (maven.home of the build running this test)");
        }
        List<String> command = new ArrayList<>(List.of(mvn.toString(), "-B", "-ntp",
                "-s", repository.settings.toString(), "-Dmaven.repo.local=" + repository.directory));
        command.addAll(List.of(goals));
        Path log = project.resolveSibling(project.getFileName() + "-maven.log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("MAVEN_SKIP_RC", "true"); // an /etc/mavenrc or ~/.mavenrc could set another JAVA_HOME
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("mvn " + String.join(" ", goals) + " did not end within " + TIMEOUT_MINUTES
                    + " minutes; its output so far:\n" + Files.readString(log));
        }
        return new MavenRun(p.exitValue(), Files.readString(log));
    }

    @Override
    public String toString() {
        return "exit code " + exitCode + ", output:\n" + output;
    }
}
