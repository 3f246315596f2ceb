/**
 * The bridge between the code woven into the JDK and the rest of the agent, defined in the
 * bootstrap class loader so that {@code java.base} can call it: static hooks
 * ({@link io.portwatch.bootstrap.JdkHooks}) and volatile listener fields
 * ({@link io.portwatch.bootstrap.Bridge}). It runs on the application's threads, inside the JDK's
 * own socket methods.
 *
 * <p>JDK types only: it imports nothing of the agent (the agent's other classes live in another
 * loader), and every class here is named in {@code BootstrapInjector.CLASSES}.
 */
package io.portwatch.bootstrap;
