package io.portwatch.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code portwatch list}: the JVMs on this host, and whether {@code attach} can reach each. */
final class ListCommand {

    private ListCommand() {}

    static int run(Path proc, long myUid, long myPid, PrintStream out, PrintStream err) {
        List<JavaProcess> jvms;
        try {
            jvms = JavaProcess.all(proc);
        } catch (IOException e) {
            err.println("portwatch: cannot list processes (" + e + "); list needs Linux /proc");
            return AttachCommand.FAILED;
        }
        out.println(String.format("%-8s %-6s %-5s %-10s %-28s %s", "PID", "UID", "JAVA", "PORTWATCH", "ATTACH", "MAIN"));
        for (JavaProcess p : jvms) {
            if (p.pid == myPid) continue;
            out.println(String.format("%-8d %-6s %-5s %-10s %-28s %s", p.pid, p.uid < 0 ? "?" : Long.toString(p.uid),
                    p.javaVersion == 0 ? "?" : Integer.toString(p.javaVersion),
                    p.portwatchLoaded ? "yes" : "no", attachable(p, myUid), p.main));
        }
        return AttachCommand.OK;
    }

    private static String attachable(JavaProcess p, long myUid) {
        if (p.attachDisabled) return "no: attach disabled";
        if (myUid != 0 && p.uid != myUid) return "no: another user's";
        if (p.javaVersion > 0 && p.javaVersion < 11) return "no: Java " + p.javaVersion;
        return "yes";
    }
}
