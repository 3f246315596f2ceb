package io.portwatch.track;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The second stage after the {@link Tracker}: takes what the tracker decided (a connection opened,
 * a connection or a JDBC connection ended), asks the kernel about ended connections
 * ({@link KernelCheck}, whose reads of {@code /proc} take tens of milliseconds on a big table, and
 * run on a thread of their own), and hands everything to the sink. On its own thread, so that span
 * building does not slow down the tracker, which must keep up with the application's events.
 *
 * <p>The queue between the two is bounded: when the reporter falls behind, reports are dropped
 * and counted, and the tracker never waits. The sink is only ever called from one thread.
 */
public final class Reporter {

    /** A connection opened; its own class so the queue can tell it from one that ended. */
    private static final class Opened {
        final ConnectionRecord record;

        Opened(ConnectionRecord record) {
            this.record = record;
        }
    }

    private final BlockingQueue<Object> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final List<ConnectionRecord> awaitingKernel = new ArrayList<>();
    /**
     * JDBC connections that ended while sockets waited for the kernel: each goes after the
     * sockets that were waiting when it came (its own among them), {@code behind} of them.
     */
    private final List<WaitingJdbc> awaitingJdbc = new ArrayList<>();
    /** Of the records a read looked at, those it left for the next read ({@link ConnectionRecord#awaitsAnotherRead}). */
    private final List<ConnectionRecord> lookingAgain = new ArrayList<>();

    private static final class WaitingJdbc {
        final JdbcRecord record;
        int behind;

        WaitingJdbc(JdbcRecord record, int behind) {
            this.record = record;
            this.behind = behind;
        }
    }
    /**
     * JDBC connections that ended before their sockets did: {@code Connection.abort} only queues
     * the socket's close on an executor. Their spans wait (at most a few seconds) so that they can
     * carry the socket's closer.
     */
    private final List<JdbcRecord> awaitingSockets = new ArrayList<>();
    private final List<Object> batch = new ArrayList<>();
    private volatile ConnectionSink sink = new ConnectionSink() {
        @Override
        public void ended(ConnectionRecord record) {
        }
    };
    private volatile KernelCheck kernelCheck;
    private volatile Consumer<Throwable> failures = Nowhere.consumer();
    private volatile boolean threaded;
    private volatile boolean stopping;
    private volatile Thread thread;

    /**
     * Most ended connections held for the kernel's word. The kernel is asked at most every 50
     * scan durations ({@code HostSampler.READ_SPACING}), and a host with 100,000 TIME_WAITs takes
     * a while to scan: a fast churn would otherwise hold every record of those seconds (100,000
     * connections filled a 32 MB heap).
     */
    private final int maxAwaitingKernel;

    public Reporter(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.maxAwaitingKernel = capacity;
    }

    public void sink(ConnectionSink sink) {
        this.sink = sink;
    }

    /** Holds ended connections for the kernel's word before they go to the sink. */
    public void kernelCheck(KernelCheck check) {
        this.kernelCheck = check;
    }

    public void failures(Consumer<Throwable> failures) {
        this.failures = failures;
    }

    /** Reports dropped because the reporter fell behind. */
    public long dropped() {
        return dropped.get();
    }

    /** Reports waiting in the queue; from any thread, a hint. */
    int backlog() {
        return queue.size();
    }

    /** True once {@link #run()} owns delivery; until then the tracker delivers inline (tests). */
    boolean threaded() {
        return threaded;
    }

    void opened(ConnectionRecord r) {
        offer(new Opened(r), 1);
    }

    void ended(ConnectionRecord r) {
        offer(r, r.carriesOpened ? 2 : 1); // a short connection's one report stands for two
    }

    void jdbcEnded(JdbcRecord j) {
        offer(j, 1);
    }

    private void offer(Object o, int reports) {
        if (!queue.offer(o)) {
            dropped.addAndGet(reports);
        }
    }

    /**
     * Starts the reporter's own thread (from then on the tracker no longer delivers inline), made
     * by {@code threads}: it runs {@code first} (what the sinks need built), then delivers until
     * {@link #stop()}, then delivers what is left and asks the kernel once more.
     */
    public Thread start(ThreadFactory threads, Runnable first) {
        threaded = true;
        Thread t = threads.newThread(new Runnable() {
            @Override
            public void run() {
                first.run();
                Reporter.this.run();
            }
        });
        thread = t;
        t.start();
        return t;
    }

    /**
     * Polls rather than blocks: a report queued for a thread waiting on the queue costs the
     * tracker a futex wake, which on shared virtual cores was a visible part of its time
     * (0.8% of the process's samples at 11,500 connections a second). It keeps the tracker's
     * pace: back every few milliseconds while reports come, backing off to 50 ms when idle.
     */
    private void run() {
        long idleParkNanos = Tracker.BUSY_PARK_NANOS;
        while (!stopping) {
            // An application that interrupts every thread it sees is not asking the reporter to
            // stop (stop() does that). Left set, the flag makes parkNanos return at once.
            Thread.interrupted();
            int n = 0;
            try {
                n = deliver(false);
            } catch (Throwable t) {
                failures.accept(t); // never let the reporter die
            }
            idleParkNanos = n > 0 ? Tracker.BUSY_PARK_NANOS : Math.min(idleParkNanos * 2, Tracker.IDLE_PARK_NANOS);
            LockSupport.parkNanos(this, idleParkNanos);
        }
        try {
            deliver(true);
        } catch (Throwable t) {
            failures.accept(t);
        }
    }

    public void stop() {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Hands everything queued to the sink (ended connections after the kernel check, JDBC
     * connections after their sockets); {@code atExit}: asks the kernel now and lets nothing wait.
     * Returns how many reports it took from the queue.
     */
    int deliver(boolean atExit) {
        int taken = queue.drainTo(batch);
        KernelCheck check = kernelCheck;
        for (Object o : batch) {
            if (o instanceof ConnectionRecord && ((ConnectionRecord) o).carriesOpened) {
                ConnectionRecord r = (ConnectionRecord) o;
                r.carriesOpened = false;
                sendOpened(r); // opened and ended within one drain of the tracker: one report
            }
            if (check != null && o instanceof ConnectionRecord) endTaken(check, (ConnectionRecord) o); // after its opening
            if (o instanceof Opened) {
                deliverOne(o);
            } else if (o instanceof ConnectionRecord && check != null
                    && ((ConnectionRecord) o).end() == ConnectionEnd.CLOSED
                    && awaitingKernel.size() < maxAwaitingKernel) {
                awaitingKernel.add((ConnectionRecord) o); // past the bound: sent unconfirmed, below
            } else if (o instanceof JdbcRecord && !awaitingKernel.isEmpty()) {
                // after its sockets, which wait for the kernel
                awaitingJdbc.add(new WaitingJdbc((JdbcRecord) o, awaitingKernel.size()));
            } else {
                deliverOne(o);
            }
        }
        batch.clear();
        int looked = 0;
        boolean sendAll = atExit;
        try {
            looked = check == null ? 0 : check.check(awaitingKernel, System.nanoTime(), atExit);
        } catch (RuntimeException e) {
            failures.accept(e);
            sendAll = true; // unconfirmed rather than held forever
        }
        if (sendAll) looked = awaitingKernel.size();
        if (looked > 0) {
            List<ConnectionRecord> done = awaitingKernel.subList(0, Math.min(looked, awaitingKernel.size()));
            int sent = 0;
            for (ConnectionRecord r : done) {
                if (!sendAll && r.awaitsAnotherRead()) {
                    lookingAgain.add(r); // back at the head of the queue, for the next read
                } else {
                    deliverOne(r);
                    sent++;
                }
            }
            done.clear();
            if (!lookingAgain.isEmpty()) {
                awaitingKernel.addAll(0, lookingAgain);
                lookingAgain.clear();
            }
            for (Iterator<WaitingJdbc> it = awaitingJdbc.iterator(); it.hasNext(); ) {
                WaitingJdbc w = it.next();
                w.behind -= sent;
                if (w.behind <= 0) {
                    it.remove();
                    deliverOne(w.record);
                }
            }
        }
        long now = System.nanoTime();
        for (Iterator<JdbcRecord> it = awaitingSockets.iterator(); it.hasNext(); ) {
            JdbcRecord j = it.next();
            if (j.socketsEnded >= j.sockets || atExit || now - j.endNanos > SOCKET_WAIT_NANOS) {
                it.remove();
                sendJdbc(j);
            }
        }
        return taken;
    }

    private static final long SOCKET_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private void endTaken(KernelCheck check, ConnectionRecord r) {
        try {
            check.endTaken(r);
        } catch (RuntimeException e) {
            failures.accept(e);
        }
    }

    private void sendOpened(ConnectionRecord r) {
        try {
            sink.opened(r);
        } catch (RuntimeException e) {
            failures.accept(e);
        }
    }

    private void sendJdbc(JdbcRecord j) {
        try {
            sink.jdbcEnded(j);
        } catch (RuntimeException e) {
            failures.accept(e);
        }
    }

    /** One report to the sink; a sink that throws loses that report, and only that one. */
    private void deliverOne(Object o) {
        try {
            if (o instanceof Opened) {
                sink.opened(((Opened) o).record);
            } else if (o instanceof ConnectionRecord) {
                ConnectionRecord r = (ConnectionRecord) o;
                if (r.jdbc != null) {
                    r.jdbc.socketsEnded++;
                    if (!r.failed()) r.jdbc.closer = r.closer();
                }
                sink.ended(r);
            } else {
                JdbcRecord j = (JdbcRecord) o;
                if (j.socketsEnded < j.sockets) {
                    awaitingSockets.add(j);
                } else {
                    sink.jdbcEnded(j);
                }
            }
        } catch (RuntimeException e) {
            failures.accept(e);
        }
    }
}
