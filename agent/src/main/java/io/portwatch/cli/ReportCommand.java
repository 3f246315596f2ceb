package io.portwatch.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.List;

/**
 * {@code portwatch report PID [FILE]}: asks the agent running in a JVM for its churn report now:
 * prints the console summary and saves the HTML page to FILE (default
 * {@code portwatch-report-PID.html}). It attaches the way {@code attach} does, with a request
 * the agent answers without changing anything; a JVM without portwatch is told to attach first.
 */
final class ReportCommand {

    private final AttachCommand attach;

    ReportCommand(AttachCommand attach) {
        this.attach = attach;
    }

    int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args.length > 2) {
            err.println("portwatch: usage: report PID [FILE.html]");
            return AttachCommand.USAGE;
        }
        long pid = AttachCommand.pid(args[0], err);
        if (pid < 0) {
            return AttachCommand.USAGE;
        }
        Path html = Paths.get(args.length > 1 ? args[1] : "portwatch-report-" + pid + ".html").toAbsolutePath();
        JavaProcess target = attach.attachable(pid, err);
        if (target == null) {
            return AttachCommand.FAILED;
        }
        if (!target.portwatchLoaded) {
            err.println("portwatch: portwatch is not in pid " + pid + "; attach it first: java -jar portwatch-agent.jar attach " + pid);
            return AttachCommand.FAILED;
        }
        String pageName = "portwatch-report-" + pid + "-" + AttachCommand.token() + ".html";
        try {
            List<String> lines = attach.load(target,
                    Collections.singletonList("report.now=/tmp/" + pageName), err);
            if (lines == null) {
                return AttachCommand.FAILED;
            }
            boolean failed = false;
            for (String line : lines) {
                if (line.startsWith("html: ")) continue; // the path inside the target; ours is printed below
                (line.startsWith("error:") ? err : out).println(line);
                failed |= line.startsWith("error:");
            }
            TargetTmp tmp = attach.targetTmp(target);
            Path page = tmp.resolve(pageName);
            if (failed || !tmp.writtenByTarget(page)) {
                Files.deleteIfExists(page);
                return AttachCommand.FAILED;
            }
            TargetJar.copyInto(page, html, "rw-------", -1, -1);
            Files.deleteIfExists(page);
            out.println("report: " + html);
            return AttachCommand.OK;
        } catch (IOException | RuntimeException e) {
            err.println("portwatch: report from pid " + pid + " failed: " + e);
            return AttachCommand.FAILED;
        }
    }
}
