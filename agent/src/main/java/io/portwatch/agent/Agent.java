package io.portwatch.agent;

import io.portwatch.bootstrap.Bridge;
import io.portwatch.bootstrap.Recordings;
import io.portwatch.budget.RuleResult;
import io.portwatch.host.HostSampler;
import io.portwatch.instrument.Installer;
import io.portwatch.kernel.KernelAccess;
import io.portwatch.kernel.ProcFs;
import io.portwatch.otel.BudgetTelemetry;
import io.portwatch.otel.ConnectionSpans;
import io.portwatch.otel.Telemetry;
import io.portwatch.recording.AgentRecordings;
import io.portwatch.recording.ExitBudget;
import io.portwatch.recording.Scopes;
import io.portwatch.track.AgentThreads;
import io.portwatch.track.CallSites;
import io.portwatch.track.ConnectionCounts;
import io.portwatch.track.ConnectionSink;
import io.portwatch.track.ConnectionSinks;
import io.portwatch.track.Tracker;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wires the agent together, in an order that matters:
 * <ol>
 *   <li>(done by {@link PortwatchAgent}) configuration, and the bridge into the bootstrap loader;</li>
 *   <li>the tracker, warmed up so its classes are loaded before {@code java.net.Socket} is
 *       retransformed (loading them from inside a transformation is how agents hit
 *       ClassCircularityError);</li>
 *   <li>the listener onto the bridge;</li>
 *   <li>the OpenTelemetry SDK and the tracker loop on the agent's own thread, so start-up does
 *       not wait for them and their sockets are never tracked;</li>
 *   <li>meanwhile, on this thread, the instrumentation.</li>
 * </ol>
 */
final class Agent {

    /** How long the exit hook waits for spans to be flushed. */
    private static final long FLUSH_MILLIS = 5_000;

    private Agent() {}

    /**
     * The host sampler, or null when the kernel's tables cannot be read (one line says why); logs
     * the host settings that fail or deserve a warning, once.
     */
    private static HostSampler hostSampler(AgentConfig config, Telemetry t) {
        KernelAccess access = KernelAccess.check();
        if (!access.available()) {
            Log.info("kernel tables unavailable (" + access.reason()
                    + "): TIME_WAIT checks and port budgets are off; connection tracking goes on");
            return null;
        }
        HostSampler sampler = new HostSampler(ProcFs.system(), config.kernelIntervalMillis(),
                config.warnHorizonSeconds(), config.warnShare(),
                new BudgetTelemetry(t.tracer(), t.logger(), t.meter(), Log::warn, Log::info), Log::error);
        for (RuleResult r : sampler.hostVerdicts()) {
            Log.warn("host " + r.describe());
        }
        return sampler;
    }

    /**
     * Recording scopes for tests (portwatch-api) and the whole-run budget: counted inline on the
     * tracker thread, reached through the bootstrap class {@link Recordings}.
     */
    private static void startRecordings(AgentConfig config, Tracker tracker, Instrumentation inst) {
        Scopes scopes = new Scopes();
        tracker.observer(scopes);
        AgentRecordings recordings = new AgentRecordings(scopes, tracker);
        Recordings.install(recordings);
        if (!config.budgets().isEmpty()) {
            ExitBudget.start(config.budgets(), config.budgetExitStatus(), recordings, inst, Log::info, Log::error);
        }
    }

    /** Called once the bootstrap classes are in place. */
    static void start(AgentConfig config, Instrumentation inst, boolean attached) throws Exception {
        CallSites callSites = new CallSites(config.callSites(), config.callSiteLimit(), config.callSiteSkip());
        Tracker tracker = new Tracker(config.bufferSize(), config.maxOpen(), callSites);
        AtomicLong trackerFailures = new AtomicLong();
        Consumer<Throwable> failures = t -> {
            long n = trackerFailures.incrementAndGet();
            if (n <= 3) Log.error("tracker: " + t + (n == 3 ? " (further failures not shown)" : ""));
        };
        tracker.failures(failures);
        tracker.reporter().failures(failures);
        tracker.warmUp();
        startRecordings(config, tracker, inst);
        Bridge.sockets = tracker.events();
        Bridge.jdbc = tracker.jdbcEvents();

        ConnectionCounts counts = new ConnectionCounts();
        CountDownLatch ready = new CountDownLatch(1);
        Telemetry[] telemetry = new Telemetry[1];
        Thread[] reporterThread = new Thread[1];
        HostSampler[] samplerRef = new HostSampler[1];
        Thread loop = AgentThreads.newThread("tracker", () -> {
            try {
                Telemetry t = Telemetry.start(Log::error);
                telemetry[0] = t;
                List<ConnectionSink> sinks = new ArrayList<>();
                sinks.add(counts);
                if (t.exporting()) {
                    // Spans cost CPU to build; with nothing exported, nobody would see them.
                    sinks.add(new ConnectionSpans(t.tracer(), t.meter()));
                }
                HostSampler sampler = config.kernel() ? hostSampler(config, t) : null;
                if (sampler != null) {
                    samplerRef[0] = sampler;
                    tracker.reporter().kernelCheck(sampler);
                    sinks.add(sampler);
                }
                tracker.sink(new ConnectionSinks(e -> Log.error("sink failed: " + e), sinks));
                reporterThread[0] = tracker.reporter().start(task -> AgentThreads.newThread("reporter", task));
            } finally {
                ready.countDown();
            }
            tracker.run();
        });
        // The SDK starts on the tracker thread while this one installs the instrumentation: on
        // two cores, start-up costs the longer of the two rather than their sum.
        loop.start();

        Installer installer = new Installer();
        installer.install(inst, Log::error, attached);
        Log.debug("instrumented " + installer.instrumented());

        Runtime.getRuntime().addShutdownHook(new Thread(AgentThreads.GROUP, () -> {
            try {
                // A JVM that exits before the tracker started, with nothing recorded, need not wait
                // for the OpenTelemetry SDK to finish starting: there is nothing to flush.
                if (ready.getCount() == 0 || tracker.hasPendingEvents()) {
                    ready.await(FLUSH_MILLIS, TimeUnit.MILLISECONDS);
                    tracker.stop();
                    loop.join(FLUSH_MILLIS);
                    tracker.reporter().stop();
                    if (reporterThread[0] != null) reporterThread[0].join(FLUSH_MILLIS);
                }
                if (telemetry[0] != null) {
                    telemetry[0].shutdown(FLUSH_MILLIS);
                }
                boolean summary = config.summary().equals("on")
                        || (config.summary().equals("auto") && (telemetry[0] == null || !telemetry[0].exporting()));
                if (summary) {
                    ExitSummary.print(counts, tracker.droppedEvents() + tracker.reporter().dropped(),
                            tracker.untrackedConnections(),
                            samplerRef[0] == null ? java.util.Collections.emptyList() : samplerRef[0].peaks());
                }
                Log.debug("instrumented " + installer.instrumented());
                if (Bridge.adviceFailures() > 0) {
                    Log.warn(Bridge.adviceFailures() + " errors inside advice were suppressed; last: "
                            + Bridge.lastAdviceFailure());
                }
            } catch (Throwable t) {
                Log.error("at exit: " + t);
            }
        }, "portwatch-exit"));
        Log.info("tracking TCP connections" + (attached ? " (attached)" : ""));
    }
}
