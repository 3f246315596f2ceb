package io.portwatch.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The portwatch agent is not running in this JVM, so there is nothing to record from. */
public final class AgentNotAttachedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * How to attach the agent, complete in itself (the reader may have nothing else at hand): the
     * first sentence of every message.
     */
    public static final String HOW_TO_ATTACH = howToAttach(version());

    AgentNotAttachedException(String detail) {
        super(detail == null ? HOW_TO_ATTACH : HOW_TO_ATTACH + "; " + detail);
    }

    static String howToAttach(String version) {
        return "the portwatch agent is not attached to this JVM: start it with -javaagent:/path/to/portwatch-agent.jar;"
                + " for Maven, inside the maven-surefire-plugin's <configuration>: <argLine>-javaagent:${settings.localRepository}"
                + "/io/portwatch/portwatch-agent/" + version + "/portwatch-agent-" + version + ".jar</argLine>"
                + " (with @{argLine} first when another plugin sets argLine too, as JaCoCo does);"
                + " for Gradle: test { jvmArgs '-javaagent:/path/to/portwatch-agent.jar' }";
    }

    /** This library's version, which the agent's must match; "VERSION" when the build did not record it. */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = AgentNotAttachedException.class.getResourceAsStream("portwatch-api.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no version then: the message says VERSION
        }
        String v = p.getProperty("version", "");
        return v.isEmpty() || v.startsWith("${") ? "VERSION" : v;
    }
}
