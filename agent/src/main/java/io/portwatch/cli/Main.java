package io.portwatch.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

/** {@code java -jar portwatch-agent.jar COMMAND}: the agent's command line. */
public final class Main {

    private static final Path PROC = Paths.get("/proc");

    private Main() {}

    /** This process, as /proc says; null where there is no /proc. */
    private static JavaProcess self() {
        return JavaProcess.read(PROC, ProcessHandle.current().pid());
    }

    /** The attach command of this user on this Java. */
    private static AttachCommand attachCommand() {
        JavaProcess self = self();
        return new AttachCommand(PROC, AttachCommand.thisJar(), self == null ? -1 : self.uid, self == null ? -1 : self.gid,
                UnixSockets.available(), Signals.KILL);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(out);
            return args.length == 0 ? 1 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "doctor":
                return Doctor.run(rest, out, err);
            case "list":
                return ListCommand.run(PROC, attachCommand(), ProcessHandle.current().pid(), out, err);
            case "attach":
                return attachCommand().run(rest, out, err);
            case "report":
                return new ReportCommand(attachCommand()).run(rest, out, err);
            case "version":
                out.println("portwatch " + version());
                return 0;
            default:
                err.println("portwatch: unknown command '" + args[0] + "' (try: java -jar portwatch-agent.jar help)");
                return 2;
        }
    }

    static void usage(PrintStream out) {
        out.println("portwatch " + version() + " - finds TCP connection churn and ephemeral-port exhaustion inside a JVM");
        out.println();
        out.println("As an agent:");
        out.println("  java -javaagent:portwatch-agent.jar[=key=value,...] -jar your-app.jar");
        out.println("  keys: see docs/configuration.md (also as -Dportwatch.<key> or PORTWATCH_<KEY>)");
        out.println("  export: the OpenTelemetry SDK's own OTEL_* variables, e.g. OTEL_EXPORTER_OTLP_ENDPOINT");
        out.println();
        out.println("Commands:");
        out.println("  doctor     check this host's TCP settings and port usage, with the reason and the fix");
        out.println("  list       the JVMs on this host, and whether portwatch is in them or can attach");
        out.println("  attach PID [key=value ...]");
        out.println("             load portwatch into a running JVM (same keys as -javaagent, and otel.* settings)");
        out.println("  report PID [FILE.html]");
        out.println("             the churn report of a JVM running portwatch, now: summary here, HTML page to FILE");
        out.println("  version    print the version");
        out.println("  help       this text");
    }

    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
