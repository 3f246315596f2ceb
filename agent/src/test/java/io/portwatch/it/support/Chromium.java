package io.portwatch.it.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Headless Chromium from the system's packages ({@code apt-get install chromium}), driven from
 * its command line: no WebDriver, nothing downloaded. Console messages of the page (script
 * errors, Content-Security-Policy violations) come back through {@code --enable-logging=stderr}
 * as lines with {@code CONSOLE}.
 */
public final class Chromium {

    /** What one run of the browser left. */
    public static final class Run {
        public final int exitCode;
        public final String stdout;
        final String stderr;

        Run(int exitCode, String stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        /** The page's console messages. */
        public List<String> console() {
            return Arrays.stream(stderr.split("\n")).filter(l -> l.contains(":CONSOLE")).collect(Collectors.toList());
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stderr\n" + stderr;
        }
    }

    private final Path binary;
    private final Path profile;

    private Chromium(Path binary, Path profile) {
        this.binary = binary;
        this.profile = profile;
    }

    /** The browser on PATH, or null. */
    public static Chromium find(Path work) throws IOException {
        for (String name : new String[] {"chromium", "chromium-browser", "google-chrome"}) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) return new Chromium(p, Files.createDirectories(work.resolve("chromium-profile")));
            }
        }
        return null;
    }

    /** The DOM after the page's scripts ran, in a window {@code width} x {@code height}. */
    public Run dumpDom(Path page, int width, int height) throws IOException, InterruptedException {
        return run("--dump-dom", "--window-size=" + width + "," + height, page.toUri().toString());
    }

    /** A PNG of the page's first {@code width} x {@code height} pixels. */
    public Run screenshot(Path page, Path png, int width, int height) throws IOException, InterruptedException {
        return run("--screenshot=" + png, "--window-size=" + width + "," + height, "--hide-scrollbars",
                page.toUri().toString());
    }

    private Run run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--headless", "--disable-gpu",
                // The sandbox cannot start as root (CI runs as root); the page is our own local file.
                "--no-sandbox", "--no-first-run", "--user-data-dir=" + profile,
                "--enable-logging=stderr", "--v=0"));
        cmd.addAll(List.of(args));
        File out = File.createTempFile("chromium", ".out");
        File err = File.createTempFile("chromium", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("chromium did not finish within 90 s: " + cmd);
            }
            return new Run(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8),
                    Files.readString(err.toPath(), StandardCharsets.UTF_8));
        } finally {
            out.delete();
            err.delete();
        }
    }
}
