/**
 * The JDK's socket classes woven with the ASM that Byte Buddy bundles, as the JDK loads them
 * (on the loading thread, inside {@link io.portwatch.instrument.jdk.JdkTransformer}) or
 * retransformed when already loaded. One weaver per class; each woven method calls one static
 * hook of {@code bootstrap.JdkHooks} and behaves exactly as before.
 */
package io.portwatch.instrument.jdk;
