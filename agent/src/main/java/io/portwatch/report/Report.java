package io.portwatch.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The churn report of one {@link RunHistory}: as console lines, or as a self-contained HTML page
 * written to a file. Any thread, any time, as often as asked: at exit, and on demand while the
 * application runs (e.g. for {@code java -jar portwatch-agent.jar report <pid>}).
 *
 * <p>The agent running in this JVM registers its report with {@link #activate}; an attach-time
 * entry point finds it with {@link #active()}. That one static field is the only way in for code
 * that did not start the agent.
 */
public final class Report {

    private static volatile Report active;

    private final RunHistory history;

    public Report(RunHistory history) {
        this.history = history;
    }

    /** Makes this the report that {@link #active()} returns. */
    public static void activate(Report report) {
        active = report;
    }

    /** The report of the agent running in this JVM, or null when none is. */
    public static Report active() {
        return active;
    }

    /** The console summary, one line per element, each starting with {@code summary:} or {@code WARN summary:}. */
    public List<String> consoleLines(ConsoleReport.Detail detail) {
        return ConsoleReport.lines(history.snapshot(), detail);
    }

    /** The whole report as one HTML page. */
    public String html() {
        return HtmlReport.render(history.snapshot());
    }

    /**
     * Writes the HTML report to {@code file}, readable and writable by the owner only (it names
     * hosts and code), replacing the file atomically where the file system can; creates missing
     * parent directories. Returns the absolute path written.
     */
    public Path writeHtml(Path file) throws IOException {
        byte[] page = html().getBytes(StandardCharsets.UTF_8);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = dir == null ? Files.createTempFile("portwatch-report", ".tmp", ownerOnly())
                : Files.createTempFile(dir, ".portwatch-report", ".tmp", ownerOnly());
        try {
            // The temporary file is created owner-only: the page is never readable by others, not even briefly.
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(ch)) {
                out.write(page);
                ch.force(false);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    /**
     * The running agent's report written to {@code file} now: the entry point for a command that
     * attached to this JVM. Throws IllegalStateException when no agent is recording here.
     */
    public static Path writeNow(Path file) throws IOException {
        return require().writeHtml(file);
    }

    /** The running agent's console summary now, lines joined by '\n'. */
    public static String consoleNow(ConsoleReport.Detail detail) {
        return String.join("\n", require().consoleLines(detail));
    }

    private static Report require() {
        Report r = active;
        if (r == null) throw new IllegalStateException("portwatch is not recording in this JVM");
        return r;
    }

    /**
     * The attributes that make a new file readable and writable by its owner only, for every file
     * the agent writes (this report, the attach reply). Elsewhere than POSIX (Windows) none:
     * {@code createTempFile} already restricts the file to its owner there.
     */
    public static FileAttribute<?>[] ownerOnly() {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
        }
        return new FileAttribute<?>[0];
    }
}
