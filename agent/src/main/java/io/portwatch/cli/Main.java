package io.portwatch.cli;

import io.portwatch.agent.AgentConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

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
        if (rest.length > 0 && (rest[0].equals("--help") || rest[0].equals("-h")) && COMMANDS.containsKey(args[0])
                && !args[0].equals("doctor")) {
            out.println("usage: " + args[0] + COMMANDS.get(args[0]));
            return 0;
        }
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

    /** Each command's arguments and what it does, as {@code help} and {@code COMMAND --help} say them. */
    private static final Map<String, String> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("doctor", " [--root DIR] [--top N]\n  check this host's TCP settings and port usage, with the reason and the fix");
        COMMANDS.put("list", "\n  the JVMs on this host, whether portwatch is in them, and whether it can be attached to");
        COMMANDS.put("attach", " PID [key=value ...]\n  load portwatch into a running JVM (the agent's keys, listed by help, and otel.* settings),"
                + " e.g. attach 4711 otel.exporter.otlp.endpoint=http://collector:4318");
        COMMANDS.put("report", " PID [FILE.html]\n  the churn report of a JVM running portwatch, now: the summary here, the"
                + " HTML page to FILE");
        COMMANDS.put("version", "\n  print the version");
    }

    static void usage(PrintStream out) {
        out.println("portwatch " + version() + " - finds TCP connection churn and ephemeral-port exhaustion inside a JVM");
        out.println();
        out.println("As an agent:");
        out.println("  java -javaagent:portwatch-agent.jar[=key=value,...] -jar your-app.jar");
        out.println("  e.g. java -javaagent:portwatch-agent.jar=summary=full,spans=all -jar your-app.jar");
        out.println("  export: the OpenTelemetry OTEL_* variables, e.g.");
        out.println("    OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318, or OTEL_METRICS_EXPORTER=prometheus");
        out.println();
        out.println("Keys (also as -Dportwatch.<key>=... or PORTWATCH_<KEY>=..., dots as underscores):");
        for (AgentConfig.Option o : AgentConfig.OPTIONS) {
            out.println("  " + o.key + " (default: " + (o.defaultValue.isEmpty() ? "none" : o.defaultValue) + ")");
            out.println("      " + o.help);
        }
        out.println();
        out.println("Commands (each answers --help):");
        for (Map.Entry<String, String> c : COMMANDS.entrySet()) {
            out.println("  " + c.getKey() + c.getValue().replace("\n", "\n    "));
        }
        out.println("  help\n      this text");
    }

    private static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
