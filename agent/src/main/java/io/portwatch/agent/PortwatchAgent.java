package io.portwatch.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;

/**
 * The entry point named in the jar's manifest, for {@code -javaagent} (premain) and for attaching
 * to a running JVM (agentmain). The JVM loads it with the application's class loader; it loads
 * the rest of the agent with the agent's own ({@link AgentClassLoader}) and hands over to
 * {@link AgentStart} there. So it refers to no other class of the agent's but that loader: any
 * other would be loaded a second time, by the application's loader, as a class apart.
 */
public final class PortwatchAgent {

    private static final String START = "io.portwatch.agent.AgentStart";
    /**
     * One for the JVM's life, whatever attaches again: a later {@code attach} or {@code report}
     * reaches the agent already running, whose classes are this loader's.
     */
    private static ClassLoader agentLoader;

    private PortwatchAgent() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    private static void start(String args, Instrumentation inst, boolean attached) {
        try {
            File jar = new File(PortwatchAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            ClassLoader agent;
            synchronized (PortwatchAgent.class) {
                if (agentLoader == null) agentLoader = new AgentClassLoader(jar, PortwatchAgent.class.getClassLoader());
                agent = agentLoader;
            }
            agent.loadClass(START).getMethod("start", String.class, Instrumentation.class, boolean.class, File.class)
                    .invoke(null, args, inst, attached, jar);
        } catch (Throwable t) {
            // AgentStart reports its own failures; this is one before it could run.
            Throwable cause = t instanceof InvocationTargetException ? t.getCause() : t;
            System.err.println("[portwatch] ERROR agent switched off, the application runs on without it: " + cause);
        }
    }
}
