/**
 * Connection-count budgets, not port capacity: the recording scopes of {@code portwatch-api} for
 * tests ({@link io.portwatch.churnbudget.Scopes}), counted on the tracker thread as each
 * connection opens and ends, and the whole-run budgets checked at exit
 * ({@link io.portwatch.churnbudget.ExitBudget}).
 *
 * <p>Imports {@code track}, {@code kernel}, {@code bootstrap} and the API's types.
 */
package io.portwatch.churnbudget;
