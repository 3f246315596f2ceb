package io.portwatch.junit;

import io.portwatch.api.AgentNotAttachedException;
import io.portwatch.api.Budget;
import io.portwatch.api.BudgetVerdict;
import io.portwatch.api.ConnectionRecording;
import io.portwatch.api.ConnectionReport;
import io.portwatch.api.DestinationPattern;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Records each budgeted test's connections through portwatch-api, from just before the test
 * method to just after it (its {@code @BeforeEach} and {@code @AfterEach} methods are not part of
 * it: set-up that builds a pool is not the code under test), and fails the test when a
 * {@link ConnectionBudget} is not kept. Registered by the annotation; nothing to register by hand.
 *
 * <p>Every verdict, passing or failing, goes to stderr as one {@code [portwatch]} line naming the
 * test and the counts: Surefire and Gradle show a test's stderr and keep it in their XML reports,
 * while Surefire drops JUnit report entries (a passing verdict is also published as one, for IDEs).
 *
 * <p>Configuration parameters (junit-platform.properties, or Surefire's
 * {@code configurationParameters}): {@code portwatch.budget.without-agent} = {@code fail}
 * (default) or {@code skip}; {@code portwatch.budget.wait-millis}: how long to wait for the
 * agent to catch up when a test ends (default 5000).
 */
public final class ConnectionBudgetExtension implements BeforeTestExecutionCallback, AfterTestExecutionCallback {

    public static final String WITHOUT_AGENT = "portwatch.budget.without-agent";
    public static final String WAIT_MILLIS = "portwatch.budget.wait-millis";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ConnectionBudgetExtension.class);
    private static final String RECORDING = "recording";

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        List<Budget> budgets = budgets(context); // a bad annotation fails before anything runs
        if (budgets.isEmpty()) {
            return;
        }
        ConnectionRecording recording;
        try {
            recording = ConnectionRecording.start();
        } catch (AgentNotAttachedException e) {
            String mode = context.getConfigurationParameter(WITHOUT_AGENT).orElse("fail");
            String message = "@ConnectionBudget cannot be checked: " + e.getMessage();
            if (mode.equalsIgnoreCase("skip")) {
                throw new TestAbortedException(message + " (skipped: " + WITHOUT_AGENT + "=skip)");
            }
            throw new AssertionFailedError(message + " (or skip such tests with the JUnit configuration parameter "
                    + WITHOUT_AGENT + "=skip)");
        }
        context.getStore(NAMESPACE).put(RECORDING, recording);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        ConnectionRecording recording = context.getStore(NAMESPACE).remove(RECORDING, ConnectionRecording.class);
        if (recording == null) {
            return;
        }
        long waitMillis = context.getConfigurationParameter(WAIT_MILLIS).map(Long::parseLong).orElse(5000L);
        ConnectionReport report = recording.stop(Duration.ofMillis(waitMillis));
        List<String> failures = new ArrayList<>();
        for (Budget budget : budgets(context)) {
            BudgetVerdict verdict = budget.check(report);
            System.err.println("[portwatch] " + testName(context) + ": " + verdict.summary());
            if (verdict.passed()) {
                context.publishReportEntry("portwatch", verdict.message());
            } else {
                failures.add(verdict.message());
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionFailedError(String.join("\n", failures));
        }
    }

    /** The method's budgets, else its class's (or, for a {@code @Nested} class, an enclosing one's). */
    private static List<Budget> budgets(ExtensionContext context) {
        List<ConnectionBudget> found = AnnotationSupport.findRepeatableAnnotations(context.getRequiredTestMethod(),
                ConnectionBudget.class);
        for (Class<?> c = context.getRequiredTestClass(); found.isEmpty() && c != null; c = enclosingOfNested(c)) {
            found = AnnotationSupport.findRepeatableAnnotations(c, ConnectionBudget.class);
        }
        List<Budget> out = new ArrayList<>();
        for (ConnectionBudget b : found) {
            out.add(budget(b, context));
        }
        return out;
    }

    private static Budget budget(ConnectionBudget b, ExtensionContext context) {
        if (b.maxPhysicalConnects() < 0 && b.maxLocalCloses() < 0) {
            throw new ExtensionConfigurationException("@ConnectionBudget(destination = \"" + b.destination()
                    + "\") sets no limit: give maxPhysicalConnects, maxLocalCloses or both");
        }
        try {
            return new Budget(DestinationPattern.parse(expand(b.destination(), context)),
                    Math.max(Budget.UNLIMITED, b.maxPhysicalConnects()), Math.max(Budget.UNLIMITED, b.maxLocalCloses()))
                    .withFailIfNoneMatched(b.failIfNoneMatched());
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@ConnectionBudget: " + e.getMessage(), e);
        }
    }

    /**
     * {@code com.acme.WriterTest.writesABatch()}, and the display name when it says more (a
     * parameterized or repeated test's invocation).
     */
    static String testName(ExtensionContext context) {
        String method = context.getRequiredTestMethod().getName() + "()";
        String name = context.getRequiredTestClass().getName() + "." + method;
        return context.getDisplayName().equals(method) ? name : name + " [" + context.getDisplayName() + "]";
    }

    /** The class a {@code @Nested} (inner) class sits in; null for a top-level or static class. */
    private static Class<?> enclosingOfNested(Class<?> c) {
        return c.isMemberClass() && !java.lang.reflect.Modifier.isStatic(c.getModifiers()) ? c.getEnclosingClass() : null;
    }

    /** Replaces each {@code ${name}} by the system property, else the configuration parameter. */
    static String expand(String text, ExtensionContext context) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        for (int start; (start = text.indexOf("${", from)) >= 0; ) {
            int end = text.indexOf('}', start);
            if (end < 0) break;
            String name = text.substring(start + 2, end);
            Optional<String> value = Optional.ofNullable(System.getProperty(name));
            if (!value.isPresent()) value = context.getConfigurationParameter(name);
            if (!value.isPresent()) {
                throw new IllegalArgumentException("destination '" + text + "': ${" + name
                        + "} is neither a system property nor a JUnit configuration parameter");
            }
            out.append(text, from, start).append(value.get());
            from = end + 1;
        }
        return out.append(text.substring(from)).toString();
    }
}
