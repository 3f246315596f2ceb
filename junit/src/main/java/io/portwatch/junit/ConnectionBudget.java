package io.portwatch.junit;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Fails the test when it opens more physical connections (or closes more from this side) to a
 * destination than the budget allows. On a method: that test; on a class: each of its tests
 * (a method's own budgets replace the class's). Repeat it for several destinations.
 *
 * <pre>{@code
 * @Test
 * @ConnectionBudget(destination = "*:3306", maxPhysicalConnects = 10, maxLocalCloses = 10)
 * void writesABatch() { ... }
 * }</pre>
 *
 * <p>Each budgeted test, passing or failing, prints one line to the test JVM's stderr with what was
 * counted: {@code [portwatch] com.acme.WriterTest.writesABatch(): within the connection budget for
 * *:3306: 2 physical connects (budget 10), 2 local closes (budget 10)}.
 *
 * <p>Needs the portwatch agent in the test JVM ({@code -javaagent:}, Surefire's {@code argLine});
 * without it the test fails saying how to attach it, or is skipped when the configuration
 * parameter {@code portwatch.budget.without-agent=skip}.
 *
 * <p>The agent counts JVM-wide, so a budgeted test must run alone: this annotation takes JUnit's
 * global lock ({@link Resources#GLOBAL}, read-write), so that under parallel execution nothing else
 * runs while a budgeted test does (the other tests still run in parallel with each other). Should
 * another recording overlap anyway, the test fails and says so.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(ConnectionBudgets.class)
@ExtendWith(ConnectionBudgetExtension.class)
@ResourceLock(value = Resources.GLOBAL, mode = ResourceAccessMode.READ_WRITE)
public @interface ConnectionBudget {

    /**
     * {@code host:port}, {@code *:port}, {@code host:*} or {@code *} (every destination). The host
     * matches the name the application gave (to the socket, or in the JDBC URL) or the address it
     * connected to; no name is resolved, so {@code localhost:5432} does not cover connections opened
     * to {@code 127.0.0.1}. {@code ${name}} is replaced by a system property or JUnit configuration
     * parameter, for ports chosen at run time.
     */
    String destination() default "*";

    /** Most physical connects (completed TCP handshakes) to the destination; -1: no limit. */
    long maxPhysicalConnects() default -1;

    /** Most connections closed by this JVM first (each leaves a TIME_WAIT here); -1: no limit. */
    long maxLocalCloses() default -1;

    /**
     * Fail when the destination matched no connection at all. Off by default: the test passes and
     * its report line says "no connection matched it". (A destination that matched nothing while
     * connections to its port or host were seen always fails.)
     */
    boolean failIfNoneMatched() default false;
}
