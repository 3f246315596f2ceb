package io.portwatch.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code portwatch list}: the JVMs on this host, wherever they run (every process of this pid
 * namespace and those below it, a container's included), where each lives seen from here, and
 * whether {@code attach} can reach it, decided as {@code attach} decides.
 */
final class ListCommand {

    private static final String ROW = "%-8s %-6s %-5s %-10s %-18s %-24s %s";

    private ListCommand() {}

    static int run(Path proc, AttachCommand attach, long myPid, PrintStream out, PrintStream err) {
        List<JavaProcess> jvms;
        try {
            jvms = JavaProcess.all(proc);
        } catch (IOException e) {
            err.println("portwatch: cannot list processes (" + e + "); list needs Linux /proc");
            return AttachCommand.FAILED;
        }
        jvms.removeIf(p -> p.pid == myPid);
        if (jvms.isEmpty()) {
            out.println("no other JVM found in " + proc + " (a JVM of another pid namespace shows only from"
                    + " that namespace's /proc or its host's)");
            return AttachCommand.OK;
        }
        out.println(String.format(ROW, "PID", "UID", "JAVA", "PORTWATCH", "WHERE", "ATTACH", "MAIN"));
        for (JavaProcess p : jvms) {
            out.println(String.format(ROW, p.pid, p.uid < 0 ? "?" : Long.toString(p.uid),
                    p.javaVersion == 0 ? "?" : Integer.toString(p.javaVersion), p.portwatchLoaded ? "yes" : "no",
                    where(p), attach.label(p), p.main));
        }
        return AttachCommand.OK;
    }

    /** Where the process lives, seen from here: "host", "own mounts", "own /tmp", "container (pid N)". */
    static String where(JavaProcess p) {
        if (p.ownPidNamespace) return "container (pid " + p.nspid + ")";
        if (p.ownTmp) return "own /tmp";
        if (p.ownMountNamespace) return "own mounts";
        return "host";
    }
}
