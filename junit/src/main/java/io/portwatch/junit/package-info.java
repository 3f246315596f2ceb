/**
 * {@code portwatch-junit}: connection budgets for JUnit 5 tests. {@link
 * io.portwatch.junit.ConnectionBudget} on a test method or class names the limits,
 * {@link io.portwatch.junit.ConnectionBudgetExtension} records each test in a
 * {@code portwatch-api} scope and fails the test that goes over them. Needs the agent in the test
 * JVM; imports only {@code portwatch-api} and JUnit.
 */
package io.portwatch.junit;
