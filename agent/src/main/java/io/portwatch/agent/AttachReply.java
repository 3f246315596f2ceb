package io.portwatch.agent;

import io.portwatch.report.Report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What an attach did, for the {@code attach} command to print: the command names a file in the
 * agent arguments ({@code reply=PATH}), and the agent writes its lines there. The attach mechanism
 * itself carries no answer back but success or failure, and the target's stderr is not the
 * command's. The file is created new (never through an existing file or link) and owner-only.
 */
final class AttachReply {

    private static final String KEY = "reply=";
    /** Asks a running agent for its report now; the value is where to write the HTML page. */
    static final String REPORT_NOW = "report.now=";

    private final Path file;
    private final List<String> lines = new ArrayList<>();

    private AttachReply(Path file) {
        this.file = file;
    }

    /** The reply file named in {@code args}, if any; {@link #write()} does nothing without one. */
    static AttachReply in(String args) {
        for (String entry : entries(args)) {
            if (entry.startsWith(KEY) && entry.length() > KEY.length()) {
                return new AttachReply(Paths.get(entry.substring(KEY.length())));
            }
        }
        return new AttachReply(null);
    }

    /** The agent arguments without the reply entry. */
    static String withoutReply(String args) {
        List<String> kept = new ArrayList<>();
        for (String entry : entries(args)) {
            if (!entry.startsWith(KEY)) kept.add(entry);
        }
        return String.join(",", kept);
    }

    /** The value of the {@code report.now} entry, or null: a request for the running agent's report. */
    static String reportRequest(String args) {
        for (String entry : entries(args)) {
            if (entry.startsWith(REPORT_NOW)) return entry.substring(REPORT_NOW.length());
        }
        return null;
    }

    private static String[] entries(String args) {
        return args == null || args.isEmpty() ? new String[0] : args.split(",");
    }

    void add(String line) {
        lines.add(line);
    }

    /** Writes the lines; a failure is one error line on stderr, and the agent runs on. */
    void write() {
        if (file == null) return;
        try (OutputStream out = Files.newOutputStream(Files.createFile(file, Report.ownerOnly()), StandardOpenOption.WRITE)) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            Log.error("could not write the attach reply to " + file + ": " + e);
        }
    }
}
