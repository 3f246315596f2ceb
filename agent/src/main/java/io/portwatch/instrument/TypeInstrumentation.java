package io.portwatch.instrument;

import net.bytebuddy.agent.builder.AgentBuilder;

/** One instrumented type: which type, and which advice goes on which of its methods. */
interface TypeInstrumentation {

    /** The binary name of the type to instrument: matching by name is cheap and loads nothing. */
    String typeName();

    /** Adds this type's method advice to {@code base} and returns the result. */
    AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base);
}
