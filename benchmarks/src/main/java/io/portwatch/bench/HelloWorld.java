package io.portwatch.bench;

/**
 * Start-up and memory cost. With no argument, prints a line and exits; with a number of
 * milliseconds, waits that long (the agent finishes its start-up work meanwhile) and prints the
 * peak resident set size of the process so far ({@code VmHWM}).
 */
public final class HelloWorld {
    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            Thread.sleep(Long.parseLong(args[0])); // let the agent finish its start-up work
            System.out.println(peakRssKb() + " kB");
        } else {
            System.out.println("hello");
        }
    }

    /** The process's peak resident set size so far ({@code VmHWM}), kB; -1 where /proc has none. */
    static long peakRssKb() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        return -1;
    }
}
