package io.portwatch.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;

/**
 * The entry point named in the jar's manifest, for {@code -javaagent} (premain) and for attaching
 * to a running JVM (agentmain). It reads the configuration, puts the bridge into the bootstrap
 * loader, and hands over to {@link Agent}. This class must not refer to any bootstrap class (nor
 * load one that does) before the bridge is injected. Whatever goes wrong, the application runs on.
 */
public final class PortwatchAgent {

    private PortwatchAgent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    private static void start(String args, Instrumentation inst, boolean attached) {
        AttachReply reply = AttachReply.in(args);
        try {
            AgentConfig config = AgentConfig.load(AttachReply.withoutReply(args), System.getenv(),
                    System.getProperties(), problem -> {
                        Log.error(problem);
                        reply.add("problem: " + problem);
                    });
            if (!config.enabled()) {
                say(reply, "switched off by configuration (enabled=false)");
                return;
            }
            Log.debug(config.debug());
            if (BootstrapInjector.alreadyInjected()) {
                say(reply, "already running in this JVM; nothing was instrumented twice, and the configuration is unchanged");
                return;
            }
            File agentJar = new File(PortwatchAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            BootstrapInjector.inject(inst, agentJar);
            for (String done : Agent.start(config, inst, attached)) {
                reply.add(done);
            }
        } catch (Throwable t) {
            Log.error("agent switched off, the application runs on without it: " + t);
            reply.add("error: agent switched off, the application runs on without it: " + t);
        } finally {
            reply.write();
        }
    }

    private static void say(AttachReply reply, String line) {
        Log.info(line);
        reply.add(line);
    }
}
