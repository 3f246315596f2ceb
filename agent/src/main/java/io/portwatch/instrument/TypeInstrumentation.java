package io.portwatch.instrument;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;

/** One instrumented type: which type, and which advice goes on which of its methods. */
interface TypeInstrumentation {

    /**
     * The binary name of the JDK type to instrument (matching by name is cheap and loads
     * nothing), or null for an instrumentation that matches application types by {@link #type()}.
     */
    String typeName();

    /** The types to instrument. */
    default ElementMatcher<TypeDescription> type() {
        return named(typeName());
    }

    /** Adds this type's method advice to {@code base} and returns the result. */
    AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base);
}
