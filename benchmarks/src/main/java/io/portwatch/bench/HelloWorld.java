package io.portwatch.bench;

/** Start-up and memory cost: prints its resident set size and exits. */
public final class HelloWorld {
    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            Thread.sleep(Long.parseLong(args[0])); // let the agent finish its start-up work
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) System.out.println(line.replaceAll("\\D", "") + " kB");
            }
        } else {
            System.out.println("hello");
        }
    }
}
