/**
 * What the integration tests share, in the test's own JVM: {@code ChildJvm}, which starts a
 * child JVM with the built agent, the real servers the tests start and read back ({@code
 * OtlpReceiver}, which decodes OTLP's protobuf, {@code RedisServer}, {@code PrometheusServer},
 * {@code FaultyCollector}), network namespaces and other users ({@code NetNs}, {@code TestUser}),
 * the sample app's runs ({@code SampleApp}, {@code SampleJar}, {@code SampleRun}), and checks
 * several tests make ({@code ExhaustionRun}, {@code ClientLibraryRuns}, {@code PrometheusNames},
 * {@code PromQl}). Imports {@code it.workload} (to name a main class), never the tests.
 */
package io.portwatch.it.support;
