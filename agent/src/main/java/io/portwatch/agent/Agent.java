package io.portwatch.agent;

import io.portwatch.bootstrap.Bridge;
import io.portwatch.bootstrap.Recordings;
import io.portwatch.host.BudgetListeners;
import io.portwatch.host.HostSampler;
import io.portwatch.hostrules.RuleResult;
import io.portwatch.instrument.LibraryTrigger;
import io.portwatch.instrument.jdk.JdkTransformer;
import io.portwatch.instrument.jdk.JdkWeaving;
import io.portwatch.kernel.ConnectionKey;
import io.portwatch.kernel.KernelAccess;
import io.portwatch.kernel.OwnConnections;
import io.portwatch.kernel.ProcFs;
import io.portwatch.otel.BudgetTelemetry;
import io.portwatch.otel.SpanPolicy;
import io.portwatch.otel.Telemetry;
import io.portwatch.report.RunHistory;
import io.portwatch.report.Report;
import io.portwatch.churnbudget.AgentRecordings;
import io.portwatch.churnbudget.ExitBudget;
import io.portwatch.churnbudget.Scopes;
import io.portwatch.track.AgentConnections;
import io.portwatch.track.AgentThreads;
import io.portwatch.track.CallSites;
import io.portwatch.track.EventPathWarmUp;
import io.portwatch.track.ConnectionSink;
import io.portwatch.track.ConnectionSinks;
import io.portwatch.track.NettyEvents;
import io.portwatch.track.Tracker;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Wires the agent together. Before {@code main} (or before the attach command's reply) only what
 * must be in place for the application's first connection to be recorded:
 * <ol>
 *   <li>(done by {@link AgentStart}) configuration, and the bridge into the bootstrap loader;</li>
 *   <li>the transformer of the JDK's socket classes, registered before anything of the agent
 *       loads one of them: each is woven with plain ASM as the JDK loads it; those loaded before
 *       it (all of them, in a JVM attached to) are retransformed; the agent's first thread loads
 *       the rest, and then removes the transformer ({@link JdkWeaving});</li>
 *   <li>the tracker and its ring, and its listeners on the bridge: from here on every connection
 *       is an event on the ring, whoever drains it;</li>
 *   <li>the recording scopes of portwatch-api, and the exit hook.</li>
 * </ol>
 * The rest starts on a thread of its own while {@code main} runs ({@link #startThreads}): the tracker
 * loop, the reporter (which builds the export before it delivers, so that nothing waits for it
 * and its sockets are never tracked), the kernel reads, and the library instrumentation (Byte
 * Buddy, for JDBC and Netty's native transports), armed to install itself on
 * an agent thread once the JVM is known to use either. What the application connects meanwhile
 * waits in the ring. With {@code -javaagent}, the library trigger is armed once the export is
 * built: as a registered transformer it would cost a copy of each class loaded meanwhile (a
 * library already loaded by then fires it at once).
 *
 * <p>No lambda or method reference here, nor anywhere else the start runs: each is a class the
 * JVM spins at its first use (performance.md); anonymous and named classes are read from the jar.
 */
final class Agent {

    /** How the agent came to start. */
    enum Start {
        /** {@code -javaagent}: the JDK's socket classes woven as they load, none before the agent. */
        PREMAIN(""),
        /** Loaded into a running JVM by the attach command. */
        ATTACH(" (attached)");

        final String note;

        Start(String note) {
            this.note = note;
        }
    }

    /** How long the exit hook waits, in all, for the last records to be reported and exported. */
    private static final long FLUSH_MILLIS = 5_000;

    /** Connections opened before attach listed one per line, at most. */
    private static final int MAX_LISTED = 20;

    private final AgentConfig config;
    private final Instrumentation inst;
    private final JdkTransformer jdk;
    private final Tracker tracker;
    /** Counted down once {@link #startThreads} has run. */
    private final CountDownLatch threadsStarted = new CountDownLatch(1);
    /** Counted down once the reporter's thread has built the sinks, the export among them. */
    private final CountDownLatch sinksReady = new CountDownLatch(1);
    private volatile Report report;
    private volatile Telemetry telemetry;
    private volatile Thread loop;
    private volatile Thread reporterThread;
    private volatile LibraryTrigger libraries;
    /** The keys of the connections open when the agent attached: the kernel catch-all leaves them alone. */
    private volatile long[] openBeforeAttach = new long[0];
    private volatile HostSampler sampler;

    private Agent(AgentConfig config, Instrumentation inst) {
        this.config = config;
        this.inst = inst;
        this.jdk = JdkWeaving.register(inst, Log.ERROR);
        CallSites callSites = new CallSites(config.callSites(), config.callSiteLimit(), config.callSiteSkip());
        this.tracker = new Tracker(config.bufferSize(), config.maxOpen(), callSites);
        FailureLines failures = new FailureLines("tracker: ", 3);
        tracker.failures(failures);
        tracker.problems(Log.ERROR);
        tracker.reporter().failures(failures);
    }

    /**
     * Called once the bootstrap classes are in place.
     *
     * @return what was done, a line each, for the attach command to print
     */
    static List<String> start(AgentConfig config, Instrumentation inst, Start how) throws Exception {
        long weaveStart = System.nanoTime();
        Agent agent = new Agent(config, inst);
        List<String> done = new ArrayList<>();
        agent.startRecordings();
        if (how == Start.ATTACH && config.kernel()) {
            done.addAll(agent.openedBeforeAttach());
        }
        Bridge.sockets = agent.tracker.events();
        Bridge.jdbc = agent.tracker.jdbcEvents();
        if (config.instrumentNetty()) {
            Bridge.netty = new NettyEvents(agent.tracker.events());
        }
        JdkWeaving.weaveLoaded(inst, agent.jdk, Log.ERROR);
        Log.debug("woven " + agent.jdk.woven().size() + " JDK types in " + (System.nanoTime() - weaveStart) / 1_000_000
                + " ms of the agent's start (the others as the JDK or the agent loads them): " + agent.jdk.woven());
        done.add(0, "instrumented " + agent.jdk.woven().size() + " of the " + JdkTransformer.TYPE_COUNT
                + " JDK socket types (" + String.join(", ", agent.jdk.woven().keySet())
                + "), the rest as they load");
        Runtime.getRuntime().addShutdownHook(new Thread(AgentThreads.GROUP, new Runnable() {
            @Override
            public void run() {
                agent.atExit();
            }
        }, "portwatch-exit"));
        if (how == Start.PREMAIN) {
            // main need not wait for the rest: what it connects meanwhile waits in the ring. Not
            // one of the agent's threads, whose socket events the tracker ignores: the warm-up
            // must pass for the application's. It opens no socket.
            Thread rest = new Thread(new Runnable() {
                @Override
                public void run() {
                    try {
                        agent.startThreads(how);
                    } catch (Throwable t) {
                        Log.error("portwatch could not finish starting, it reports nothing; the application runs on: " + t);
                    }
                }
            }, "portwatch-start");
            rest.setDaemon(true);
            rest.start();
        } else {
            done.add(1, agent.startThreads(how));
        }
        Log.info("tracking TCP connections" + how.note);
        done.add("tracking every TCP connection opened from now on");
        return done;
    }

    /**
     * Recording scopes for tests (portwatch-api) and the whole-run budget: counted inline on the
     * tracker thread, reached through the bootstrap class {@link Recordings}. In place before
     * {@code main}, so that a test's first scope is never opened before the agent can count it.
     */
    private void startRecordings() {
        Scopes scopes = new Scopes();
        tracker.observer(scopes);
        AgentRecordings recordings = new AgentRecordings(scopes, tracker);
        Recordings.install(recordings);
        if (!config.budgets().isEmpty()) {
            ExitBudget.start(config.budgets(), config.budgetExitStatus(), recordings, inst, Log.INFO, Log.ERROR);
        }
    }

    /**
     * The tracker warmed up, and the threads: the tracker loop, the reporter with its sinks, the
     * kernel reads; then the library instrumentation armed (with {@code -javaagent}, by the
     * reporter's thread once the export is built).
     *
     * @return attached, a line that says how the library types are instrumented; with {@code -javaagent}, null
     */
    private String startThreads(Start how) {
        try {
            // First: every class loaded from here on is spared a copy for the JDK's transformer.
            JdkWeaving.loadTheRest(inst, jdk);
            try {
                EventPathWarmUp.run();
            } catch (Throwable t) {
                Log.error("tracker warm-up: " + t); // a cost on the first connection, no more
            }
            // The churn report's history, fed on the reporter thread; Report.active() finds it on demand.
            RunHistory history = new RunHistory();
            history.losses(new LongSupplier() {
                @Override
                public long getAsLong() {
                    return tracker.droppedEvents() + tracker.reporter().dropped();
                }
            }, new LongSupplier() {
                @Override
                public long getAsLong() {
                    return tracker.untrackedConnections();
                }
            });
            report = new Report(history);
            Report.activate(report);
            // The tracker drains the ring; the reporter's thread builds the export and the host
            // sampler before it delivers, and what ends meanwhile waits in its queue, so that a slow
            // start there (a first read of a large kernel table) never keeps the ring undrained.
            reporterThread = tracker.reporter().start(AgentThreads.factory("reporter"), new Runnable() {
                @Override
                public void run() {
                    try {
                        buildSinks(history);
                    } finally {
                        sinksReady.countDown();
                        if (how == Start.PREMAIN) {
                            try {
                                armLibraries();
                            } catch (Throwable t) {
                                Log.error("cannot instrument library types, JDBC connections are seen as TCP connections only: " + t);
                            }
                        }
                    }
                }
            });
            loop = AgentThreads.newThread("tracker", tracker);
            loop.start();
            if (how == Start.PREMAIN) {
                return null; // nobody to tell: the reporter's thread arms the library trigger
            }
            String libraryTypes = "JDBC drivers and connections" + (config.instrumentNetty() ? ", Netty's epoll and io_uring channels" : "");
            LibraryTrigger libraries = armLibraries();
            return libraryTypes + (libraries.startedBy() != null
                    ? ": those already loaded being instrumented on an agent thread, the others as they load"
                    : ": instrumented on an agent thread once in use");
        } finally {
            threadsStarted.countDown();
        }
    }

    private LibraryTrigger armLibraries() {
        LibraryTrigger l = LibraryTrigger.arm(inst, config.instrumentNetty(), Log.ERROR, Log.DEBUG);
        libraries = l;
        return l;
    }

    /** On the reporter's thread: the export, the sinks that feed it, and the host sampler. */
    private void buildSinks(RunHistory history) {
        Telemetry t = Telemetry.start(config.otelArguments(), Log.ERROR, Log.INFO);
        telemetry = t;
        List<ConnectionSink> sinks = new ArrayList<>();
        sinks.add(history);
        // Told of the warnings too, so that it keeps the spans of a destination under one.
        SpanPolicy spans = new SpanPolicy(SpanPolicy.Mode.of(config.spans()));
        if (t.exporting()) {
            sinks.add(t.connectionCounters());
            // Spans cost CPU to build; with nothing exported, nobody would see them.
            if (spans.mode() != SpanPolicy.Mode.OFF) sinks.add(t.connectionSpans(spans));
        }
        HostSampler sampler = config.kernel() ? hostSampler(config, t, history, spans) : null;
        if (sampler != null) {
            sampler.readOn(Executors.newSingleThreadExecutor(AgentThreads.factory("kernel")));
            tracker.reporter().kernelCheck(sampler);
            sinks.add(sampler);
        }
        ConnectionSinks all = new ConnectionSinks(new FailureLines("sink failed: ", Integer.MAX_VALUE), sinks);
        this.sampler = sampler;
        if (sampler != null) {
            // What no advice reported, from the sampler's own reads, to every sink (the sampler's budgets too).
            AgentConnections own = tracker.events().agentConnections();
            sampler.catchAll(all, new Consumer<LongConsumer>() {
                @Override
                public void accept(LongConsumer to) {
                    own.takeAll(to);
                }
            }, Log.WARN, openBeforeAttach);
        }
        tracker.sink(all);
    }

    /**
     * The host sampler, or null when the kernel's tables cannot be read (one line says why); logs
     * the host settings that fail or deserve a warning, once.
     */
    private static HostSampler hostSampler(AgentConfig config, Telemetry t, RunHistory history, SpanPolicy spans) {
        KernelAccess access = KernelAccess.check();
        if (!access.available()) {
            Log.info("kernel tables unavailable: " + access.reason()); // the reason says what goes on
            return null;
        }
        HostSampler sampler = new HostSampler(ProcFs.system(), config.kernelIntervalMillis(),
                config.warnHorizonSeconds(), config.warnShare(),
                new BudgetListeners(new FailureLines("budget listener failed: ", Integer.MAX_VALUE),
                        new BudgetTelemetry(t.spans(), t.logs(), t.metrics(), Log.WARN, Log.INFO), history,
                        spans),
                Log.ERROR);
        List<RuleResult> verdicts = sampler.hostVerdicts();
        for (RuleResult r : verdicts) {
            Log.warn("host " + r.headline()); // short: the reason follows on a line of its own
            if (!r.fix().isEmpty()) Log.info("  " + r.reason());
        }
        history.hostVerdicts(verdicts);
        return sampler;
    }

    /**
     * The exit hook. A JVM that exits with nothing recorded waits for nothing: neither the rest of
     * the start nor the export, and there is nothing to flush. One that recorded
     * anything waits for both, within {@link #FLUSH_MILLIS}: what the tracker drained meanwhile
     * waits in the reporter's queue.
     */
    private void atExit() {
        try {
            ExitDeadline deadline = new ExitDeadline(FLUSH_MILLIS);
            HostSampler s = sampler;
            // A JVM whose every connection went past the instrumentation has its catch-all's to report.
            boolean recorded = tracker.hasRecorded() || (s != null && s.countedUninstrumented());
            if (recorded || !config.report().isEmpty()) {
                threadsStarted.await(deadline.millisLeft(), TimeUnit.MILLISECONDS);
            }
            if (threadsStarted.getCount() == 0 && (recorded || sinksReady.getCount() == 0)) {
                sinksReady.await(deadline.millisLeft(), TimeUnit.MILLISECONDS);
                tracker.stop();
                loop.join(deadline.millisLeft());
                tracker.reporter().stop();
                reporterThread.join(deadline.millisLeft());
            }
            Telemetry t = telemetry;
            if (t != null) {
                // With nothing recorded there is nothing of ours to flush but the last gauges:
                // a collector that is down would otherwise hold the exit for the exporter's
                // retries, seconds, for a JVM that opened no connection.
                t.shutdown(recorded ? deadline.millisLeft() : 0, Log.WARN);
            }
            ExitSummary.print(config, t != null && t.exporting(), recorded, report);
            LibraryTrigger l = libraries;
            Log.debug("instrumented " + jdk.woven().keySet() + (l == null ? "" : " and " + l.instrumented()));
            if (Bridge.adviceFailures() > 0) {
                Log.warn(Bridge.adviceFailures() + " errors inside advice were suppressed; last: "
                        + Bridge.lastAdviceFailure());
            }
        } catch (Throwable t) {
            Log.error("at exit: " + t);
        }
    }

    /**
     * The connections this JVM already holds, from the kernel's tables, handed to the tracker so
     * that their ends are recorded too. Read before the JDK is woven: a connection opened after
     * this read is seen by the woven code instead (one opened during the weaving itself may be
     * missed by both).
     */
    private List<String> openedBeforeAttach() {
        String before = "before attach";
        List<String> lines = new ArrayList<>();
        KernelAccess access = KernelAccess.check();
        if (!access.available()) {
            lines.add("connections opened " + before + ": unknown (" + access.reason() + ")");
            return lines;
        }
        try {
            long now = System.nanoTime();
            List<OwnConnections.Connection> open = OwnConnections.read(ProcFs.system(), "self");
            long[] keys = new long[open.size()];
            int k = 0;
            for (OwnConnections.Connection c : open) {
                tracker.openedBeforeAttach(c.localAddress, c.localPort, c.peerAddress, c.peerPort, c.accepted, now);
                keys[k++] = ConnectionKey.of(c.localPort, c.peerAddress, c.peerPort);
            }
            openBeforeAttach = keys;
            lines.add(open.size() + " TCP connections open " + before
                    + (open.isEmpty() ? "" : ", recorded from their end on:"));
            int shown = 0;
            for (OwnConnections.Connection c : open) {
                if (++shown > MAX_LISTED) {
                    lines.add("  ... and " + (open.size() - MAX_LISTED) + " more");
                    break;
                }
                lines.add("  " + c);
            }
        } catch (java.io.IOException | RuntimeException e) {
            lines.add("connections opened " + before + ": unknown (" + e + ")");
        }
        for (String line : lines) Log.info(line);
        return lines;
    }
}
