package io.portwatch.agent;

import io.portwatch.report.ConsoleReport;
import io.portwatch.report.Report;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The agent's start, for {@code -javaagent} and for attaching to a running JVM, called by
 * {@link PortwatchAgent} through the agent's own class loader: it reads the configuration, puts the
 * bridge into the bootstrap loader, and hands over to {@link Agent}. This class must not refer to
 * any bootstrap class (nor load one that does) before the bridge is injected. Whatever goes wrong,
 * the application runs on; a configuration with a mistake leaves the agent off, with one line that
 * names every mistake.
 */
public final class AgentStart {

    private AgentStart() {}

    /** Starts the agent from {@code agentJar}; {@code attached}: by agentmain, else by premain. */
    public static void start(String args, Instrumentation inst, boolean attached, File agentJar) {
        AttachReply reply = AttachReply.in(args);
        try {
            String reportTo = AttachReply.reportRequest(args);
            if (reportTo != null) {
                reportNow(reply, reportTo);
                return;
            }
            List<String> problems = new ArrayList<>();
            AgentConfig config = AgentConfig.load(AttachReply.withoutReply(args), System.getenv(),
                    System.getProperties(), new Consumer<String>() {
                        @Override
                        public void accept(String problem) {
                            problems.add(problem); // not problems::add: the agent's start spins no lambda
                        }
                    });
            if (!problems.isEmpty()) {
                // Started with a setting other than the one meant, the agent could mislead (a
                // threshold, an interval, a skipped package): it stays off, and says why in one line.
                String line = "portwatch is off, the application runs on without it: bad configuration: "
                        + String.join("; ", problems);
                Log.error(line);
                reply.add("error: " + line);
                return;
            }
            if (!config.enabled()) {
                say(reply, "switched off by configuration (enabled=false)");
                return;
            }
            Log.debug(config.debug());
            for (String note : config.notes()) {
                say(reply, note);
            }
            if (BootstrapInjector.alreadyInjected()) {
                say(reply, "already running in this JVM; nothing was instrumented twice, and the configuration is unchanged");
                return;
            }
            startAgent(config, inst, attached ? Agent.Start.ATTACH : Agent.Start.PREMAIN, reply, agentJar);
        } catch (Throwable t) {
            switchedOff(reply, t);
        } finally {
            reply.write();
        }
    }

    private static void startAgent(AgentConfig config, Instrumentation inst, Agent.Start how, AttachReply reply,
                                   File agentJar) {
        try {
            BootstrapInjector.inject(inst, agentJar);
            for (String done : Agent.start(config, inst, how)) {
                reply.add(done);
            }
        } catch (Throwable t) {
            switchedOff(reply, t);
        }
    }

    private static void switchedOff(AttachReply reply, Throwable t) {
        Log.error("agent switched off, the application runs on without it: " + t);
        reply.add("error: agent switched off, the application runs on without it: " + t);
    }

    /**
     * {@code java -jar portwatch-agent.jar report PID}: the running agent's console summary into
     * the reply, and its HTML page to {@code htmlFile}. Changes nothing in the agent.
     */
    private static void reportNow(AttachReply reply, String htmlFile) throws java.io.IOException {
        if (Report.active() == null) {
            reply.add("error: portwatch is not running in this JVM; attach it first (attach PID)");
            return;
        }
        for (String line : Report.consoleNow(ConsoleReport.Detail.FULL).split("\n")) {
            reply.add(line);
        }
        reply.add("html: " + Report.writeNow(java.nio.file.Paths.get(htmlFile)));
    }

    private static void say(AttachReply reply, String line) {
        Log.info(line);
        reply.add(line);
    }
}
