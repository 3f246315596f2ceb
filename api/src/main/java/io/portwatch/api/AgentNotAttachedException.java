package io.portwatch.api;

/** The portwatch agent is not running in this JVM, so there is nothing to record from. */
public final class AgentNotAttachedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** How to attach the agent; the first sentence of every message. */
    public static final String HOW_TO_ATTACH = "the portwatch agent is not attached to this JVM:"
            + " start it with -javaagent:/path/to/portwatch-agent.jar (for Maven Surefire, in <argLine>;"
            + " see docs/churn-budgets.md)";

    AgentNotAttachedException(String detail) {
        super(detail == null ? HOW_TO_ATTACH : HOW_TO_ATTACH + "; " + detail);
    }
}
