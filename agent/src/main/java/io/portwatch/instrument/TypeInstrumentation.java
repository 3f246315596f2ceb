package io.portwatch.instrument;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One instrumented library type, installed by Byte Buddy ({@link LibraryInstaller}): which types,
 * and which advice goes on which of their methods. Every type matched implements one of
 * {@link LibraryTrigger#SUPERTYPES} or is one of Netty's named in
 * {@link io.portwatch.instrument.netty.NettyTypes}, which is what lets the install wait until the
 * first loads, and find those loaded before it ({@link LoadedLibraryTypes}).
 */
public interface TypeInstrumentation {

    /** The types to instrument. */
    ElementMatcher<TypeDescription> type();

    /** Adds this type's method advice to {@code base} and returns the result. */
    AgentBuilder.Transformer.ForAdvice advice(AgentBuilder.Transformer.ForAdvice base);
}
