/**
 * What the integration tests' child JVMs run: each {@code *Workload} is a main class that a test
 * starts with the agent (through {@code it.support.ChildJvm}), opening and closing connections and
 * printing what the test reads back; {@code LibraryAdvice} and {@code StubDriver} run in those JVMs
 * beside them. A child JVM's class path is the test classes' directory and the jars a test adds
 * (never the test's own dependencies, JUnit included), so these classes use the JDK and those jars
 * only, and import nothing of {@code it} or {@code it.support}. The call sites the agent reports
 * name them: a test names them by {@code Class.getName()}, or, in a pattern, by their full name.
 */
package io.portwatch.it.workload;
