package io.portwatch.cli;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends SIGQUIT, which Java cannot: {@code ProcessHandle} only terminates or kills. Through the
 * {@code kill} program, or the shell's own {@code kill} where there is no such program (a minimal
 * image). An interface so that tests can see what would be sent without sending it.
 */
interface Signals {

    /** Sends SIGQUIT to the process {@code pid} (a pid of this command's pid namespace). */
    void quit(long pid) throws HotSpotAttach.Failure;

    /** The {@code kill} program, else {@code sh -c 'kill -QUIT PID'}. */
    Signals KILL = pid -> {
        String[] command = null;
        for (String kill : new String[] {"/bin/kill", "/usr/bin/kill"}) {
            if (new File(kill).canExecute()) {
                command = new String[] {kill, "-QUIT", Long.toString(pid)};
                break;
            }
        }
        if (command == null) {
            command = new String[] {"/bin/sh", "-c", "kill -QUIT \"$1\"", "portwatch", Long.toString(pid)};
        }
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new HotSpotAttach.Failure("'" + String.join(" ", command) + "' did not finish within 10 s");
            }
            String said = new String(p.getInputStream().readAllBytes()).trim();
            if (p.exitValue() != 0) {
                throw new HotSpotAttach.Failure("cannot send SIGQUIT to pid " + pid + ": " + (said.isEmpty()
                        ? String.join(" ", command) + " exited with " + p.exitValue() : said.replace('\n', ' ')));
            }
        } catch (IOException e) {
            throw new HotSpotAttach.Failure("cannot send SIGQUIT to pid " + pid + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HotSpotAttach.Failure("interrupted");
        }
    };
}
