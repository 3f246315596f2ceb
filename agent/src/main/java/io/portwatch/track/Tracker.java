package io.portwatch.track;

import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The tracker thread's half: drains the event ring, keeps one {@link ConnectionRecord} per open
 * connection (and one {@link JdbcRecord} per physical database connection), decides how each
 * ended, and hands it to the {@link Reporter}. Everything here runs on one agent thread, so
 * nothing here needs a lock.
 */
public final class Tracker {

    /** How long a channel closed inside a non-blocking connect may wait for its failure event. */
    private static final long ABANDON_AFTER_NANOS = TimeUnit.SECONDS.toNanos(2);
    /**
     * The loop's park between drains while events come (the reporter's too). Each wake-up is a
     * futex wait and a reschedule, tens of microseconds on shared virtual cores: at 2 ms they were
     * 1.4% of the process's samples at 11,500 connections a second. A ring of 16,384 slots takes
     * a quarter of a second of that churn to fill, so 5 ms leaves it far from full.
     */
    static final long BUSY_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** The longest park of an idle loop: an idle agent wakes up 20 times a second. */
    static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final EventRing ring;
    private final int maxOpen;
    private final CallSites callSites;
    private final OpenConnections<ConnectionRecord> open;
    private final ConnectionEvents events;
    private final JdbcEvents jdbcEvents;
    private final JdbcConnections jdbc;
    /**
     * What was done to sockets before they connected ({@link #LINGER_ZERO}, {@link #BOUND}); weakly
     * held, like the records.
     */
    private final OpenConnections<Integer> beforeConnect;
    private static final int LINGER_ZERO = 1;
    private static final int BOUND = 2;
    private final List<Abandoning> closedWhileConnecting = new ArrayList<>();
    /** Where the application asked for connections that an event loop makes later (Netty). */
    private final ConnectRequests connectRequests;
    /** Opened during this drain: their opened reports wait for its end ({@link #sinkOpened}). */
    private final List<ConnectionRecord> openedThisDrain = new ArrayList<>();
    private final OpenedBeforeAttach beforeAttach = new OpenedBeforeAttach();
    private final java.util.Queue<OpenedBeforeAttach.Waiting> listedBeforeAttach =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicLong untracked = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    private final Reporter reporter;
    private volatile boolean stopping;
    private volatile Consumer<Throwable> failures = t -> { };
    private volatile Consumer<String> problems = s -> { };
    /** Events and reports lost as of the last line that said so, and when it was said. */
    private long lossesSaid;
    private long lossesSaidNanos;
    private static final long LOSSES_QUIET_NANOS = TimeUnit.MINUTES.toNanos(5);
    private volatile Thread loopThread;
    /** Told on this thread as each connection opens and ends, before the reporter: recording scopes. */
    private volatile ConnectionSink observer;

    public Tracker(int ringCapacity, int maxOpen, CallSites callSites) {
        this.ring = new EventRing(ringCapacity);
        this.reporter = new Reporter(Math.max(1024, ringCapacity));
        this.maxOpen = maxOpen;
        this.callSites = callSites;
        this.open = new OpenConnections<>(maxOpen);
        this.beforeConnect = new OpenConnections<>(maxOpen);
        this.connectRequests = new ConnectRequests(maxOpen);
        this.jdbc = new JdbcConnections(maxOpen, ids, callSites, untracked, reporter);
        this.jdbcEvents = new JdbcEvents(ring, callSites);
        this.events = new ConnectionEvents(ring, callSites, jdbcEvents);
    }

    /** The socket listener to install on the bootstrap bridge. */
    public ConnectionEvents events() {
        return events;
    }

    /** The JDBC listener to install on the bootstrap bridge. */
    public JdbcEvents jdbcEvents() {
        return jdbcEvents;
    }

    /** Where the tracker loop reports its own failures (default: nowhere). */
    public void failures(Consumer<Throwable> failures) {
        this.failures = failures;
    }

    /** Where the loop says that connections went unrecorded (default: nowhere). */
    public void problems(Consumer<String> problems) {
        this.problems = problems;
    }

    /** The second stage: kernel checks and the sink; give it a thread with {@link Reporter#start}. */
    public Reporter reporter() {
        return reporter;
    }

    /**
     * A sink called on the tracker thread itself, as each connection opens and ends, rather than
     * later on the reporter's: what it counts is complete once {@link #awaitHandled} returns 0.
     * It must be quick and must not block.
     */
    public void observer(ConnectionSink observer) {
        this.observer = observer;
    }

    /**
     * The barrier a recording scope closes with: waits until the tracker has handled every event
     * claimed before this call, at most {@code timeoutNanos}, and returns how many of them were
     * still unhandled when it gave up (0: all handled). From any thread but the tracker's.
     */
    public long awaitHandled(long timeoutNanos) {
        long target = ring.claimedCount();
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            long left = target - ring.consumedCount();
            if (left <= 0) {
                return 0;
            }
            if (System.nanoTime() - deadline >= 0) {
                return left;
            }
            Thread t = loopThread;
            if (t != null) {
                LockSupport.unpark(t); // an idle loop parks up to 50 ms: wake it rather than wait
            }
            LockSupport.parkNanos(this, 100_000);
        }
    }

    /**
     * Handles, on the calling thread, the events that reached the ring after the loop ended: at
     * exit, other shutdown hooks still open and close connections after the agent's own hook has
     * stopped the tracker. Does nothing and returns false while the loop runs (or never ran).
     */
    public synchronized boolean drainAfterStop() {
        Thread t = loopThread;
        if (t == null || t.isAlive()) {
            return false;
        }
        ring.drain(this::handle);
        reportOpened();
        return true;
    }

    /** Shorthand for {@code reporter().sink(sink)}. */
    public void sink(ConnectionSink sink) {
        reporter.sink(sink);
    }

    /**
     * A connection the kernel listed as this JVM's when the agent attached: it gets a record, marked
     * as opened before attach and started when the kernel listed it ({@code seenNanos}), at the
     * first event of its socket. Any thread: taken in at the tracker's next drain. A connection
     * listed that the advice has seen already keeps the record it has (its listing stays unused).
     */
    public void openedBeforeAttach(java.net.InetAddress localAddress, int localPort,
                                   java.net.InetAddress peerAddress, int peerPort, boolean accepted, long seenNanos) {
        listedBeforeAttach.add(new OpenedBeforeAttach.Waiting(localAddress, localPort, peerAddress, peerPort, accepted,
                seenNanos));
    }

    /** Processes whatever is waiting; returns how many events were handled. Tracker thread only. */
    public int drain() {
        for (OpenedBeforeAttach.Waiting w; (w = listedBeforeAttach.poll()) != null; ) {
            beforeAttach.add(w);
        }
        int n = ring.drain(this::handle);
        for (ConnectionRecord r : open.expungeCollected()) {
            r.end(ConnectionEnd.COLLECTED, System.nanoTime());
            emit(r);
        }
        jdbc.endCollected(System.nanoTime());
        abandonStaleConnects(System.nanoTime());
        reportOpened();
        if (!reporter.threaded()) {
            reporter.deliver(false); // no reporter thread (tests): deliver on this one
        }
        return n;
    }

    /**
     * Runs the tracker loop on the current thread until {@link #stop()}: drains, then parks for a
     * moment. A ring of thousands of slots drained every few milliseconds absorbs any realistic
     * connection rate; an idle agent wakes up rarely. On stop, ends what is still open.
     */
    public void run() {
        loopThread = Thread.currentThread();
        long idleParkNanos = BUSY_PARK_NANOS;
        while (!stopping) {
            // An application that interrupts every thread it sees is not asking the agent to stop
            // (stop() does that). Left set, the flag makes parkNanos return at once: a busy loop.
            Thread.interrupted();
            int n = 0;
            try {
                n = drain();
            } catch (Throwable t) {
                // a sink or a record went wrong: report it, never let the tracker thread die
                failures.accept(t);
            }
            sayLosses(System.nanoTime(), false);
            idleParkNanos = n > 0 ? BUSY_PARK_NANOS : Math.min(idleParkNanos * 2, IDLE_PARK_NANOS);
            LockSupport.parkNanos(this, idleParkNanos);
        }
        endAll();
        sayLosses(System.nanoTime(), true);
    }

    /**
     * Says that connections went unrecorded because the ring or the reporter's queue was full:
     * the first time at once, then at most every five minutes ({@code last}: now, if anything was
     * lost since the last line). The record of the whole run, the summary, says so only when it is
     * shown, and it is not while telemetry is exported. Tracker thread.
     */
    void sayLosses(long now, boolean last) {
        long events = ring.dropped();
        long reports = reporter.dropped();
        if (events + reports == lossesSaid || (!last && lossesSaid > 0 && now - lossesSaidNanos < LOSSES_QUIET_NANOS)) {
            return;
        }
        lossesSaid = events + reports;
        lossesSaidNanos = now;
        List<String> why = new ArrayList<>();
        if (events > 0) why.add(events + " events dropped, the tracker behind the application (buffer.size)");
        if (reports > 0) why.add(reports + " reports dropped, the reporter behind the tracker (buffer.size sets its queue too)");
        problems.accept("connections went unrecorded, so far: " + String.join("; ", why)
                + "; the connection counters, the spans and the summary's counts miss them");
    }

    /** Asks the loop to finish: it drains what is left, ends what is open, and returns. */
    public void stop() {
        stopping = true;
        Thread t = loopThread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Loads every class on the event path, both halves, by sending a connection of every kind of
     * event through a tracker of its own, thrown away after: so that the application's first
     * connection does not load them on its thread. From a thread the tracker does not ignore (not
     * one of {@link AgentThreads}), or the events stop at the door.
     */
    public static void warmUp() {
        Tracker t = new Tracker(64, 64, new CallSites(true, 1000, java.util.Collections.emptyList()));
        Object dummy = new Object();
        InetSocketAddress target = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 9);
        ConnectionEvents events = t.events;
        events.localAddressRead(target);
        events.connected(dummy, target, System.nanoTime(), null);
        events.endOfStream(dummy);
        events.ioFailed(dummy, new java.net.SocketException("Connection reset"));
        events.outputShutdown(dummy);
        events.lingerSet(dummy, true);
        events.bound(dummy);
        events.closed(dummy);
        events.connectPending(dummy, target, System.nanoTime());
        events.finishedConnect(dummy, new java.net.ConnectException("Connection refused"));
        t.drain();
        t.endAll();
    }

    /** Drains what is left and ends every open connection as still open at exit. */
    void endAll() {
        drain();
        long now = System.nanoTime();
        for (ConnectionRecord r : open.removeAll()) {
            if (r.isConnecting()) {
                r.end(ConnectionEnd.ABANDONED, now);
            } else {
                r.end(ConnectionEnd.OPEN_AT_EXIT, now);
            }
            emit(r);
        }
        for (Abandoning a : closedWhileConnecting) {
            a.record.end(ConnectionEnd.ABANDONED, a.record.endNanos);
            emit(a.record);
        }
        closedWhileConnecting.clear();
        jdbc.endAll(now);
        if (!reporter.threaded()) {
            reporter.deliver(true);
        }
    }

    /** Whether any event was ever recorded, reported or not yet; from any thread. */
    public boolean hasRecorded() {
        return ring.claimedCount() > 0;
    }

    public long droppedEvents() {
        return ring.dropped();
    }

    /** Connections not tracked because {@code max.open} records were already held. */
    public long untrackedConnections() {
        return untracked.get();
    }

    public int openConnections() {
        return open.size();
    }

    private void handle(Event e) {
        ConnectionRecord r;
        switch (e.kind) {
            case CONNECTED:
            case CONNECT_PENDING:
                r = newRecord(e, ConnectionRecord.Direction.OUTGOING);
                if (e.error != null) {
                    r.fail(e.error, e.nanos);
                    emit(r);
                } else if (e.kind == EventKind.CONNECTED) {
                    r.connectedNanos = e.nanos;
                    track(e.connection, r);
                } else {
                    track(e.connection, r);
                }
                break;
            case FINISHED_CONNECT:
                finishConnect(e);
                break;
            case ACCEPTED:
                r = newRecord(e, ConnectionRecord.Direction.ACCEPTED);
                r.connectedNanos = e.nanos;
                track(e.connection, r);
                break;
            case END_OF_STREAM:
                r = known(e.connection);
                if (r != null) r.peerFin();
                break;
            case RESET:
                r = known(e.connection);
                if (r != null) r.reset();
                break;
            case OUTPUT_SHUTDOWN:
                r = known(e.connection);
                if (r != null) r.localFin();
                break;
            case LINGER:
                r = known(e.connection);
                if (r != null) {
                    r.lingerZero(e.flag);
                } else {
                    beforeConnect(e.connection, LINGER_ZERO, e.flag); // often set before connect()
                }
                break;
            case BOUND:
                if (known(e.connection) == null) {
                    beforeConnect(e.connection, BOUND, true);
                }
                break;
            case CLOSED:
                close(e);
                break;
            case CONNECT_REQUESTED:
                connectRequests.requested(e.connection, e.callSite);
                break;
            case JDBC_STARTED:
                jdbc.started(e);
                break;
            case JDBC_CONNECTED:
                jdbc.connected(e);
                break;
            case JDBC_CLOSED:
                jdbc.closed(e);
                break;
            default:
                break;
        }
    }

    /**
     * The open record of a connection, or null; a connection opened before the agent attached
     * gets its record here, at its first event.
     */
    private ConnectionRecord known(Object connection) {
        ConnectionRecord r = open.get(connection);
        if (r != null || beforeAttach.isEmpty()) {
            return r;
        }
        OpenedBeforeAttach.Waiting w = beforeAttach.claim(connection);
        if (w == null) {
            return null;
        }
        r = new ConnectionRecord(ids.incrementAndGet(),
                w.accepted ? ConnectionRecord.Direction.ACCEPTED : ConnectionRecord.Direction.OUTGOING,
                connection instanceof Socket ? "socket" : "channel", null, null, null, w.seenNanos);
        r.openedBeforeAttach = true;
        r.connectedNanos = w.seenNanos;
        r.endpoints(w.localAddress, w.localPort, w.peerAddress, w.peerPort);
        track(connection, r);
        return r;
    }

    private void finishConnect(Event e) {
        ConnectionRecord r = open.get(e.connection);
        if (r == null || !r.isConnecting()) {
            // finishConnect() also returns true on a channel connected long ago; or its channel
            // was closed inside the failing finishConnect, before this event: look there.
            r = e.error == null ? null : takeClosedWhileConnecting(e.connection);
            if (r == null) return;
        }
        if (e.error != null) {
            open.remove(e.connection);
            r.fail(e.error, e.nanos);
            emit(r);
        } else {
            r.connectedNanos = e.nanos;
            // keep the target's address when the channel's could not be read
            r.endpoints(e.localAddress, e.localPort,
                    e.peerAddress != null ? e.peerAddress : r.peerAddress, e.peerAddress != null ? e.peerPort : r.peerPort);
            sinkOpened(r);
        }
    }

    private void close(Event e) {
        known(e.connection);
        ConnectionRecord r = open.remove(e.connection);
        if (r == null) {
            return; // never connected, not ours, or already ended
        }
        if (r.isConnecting()) {
            // A failing non-blocking connect closes its channel before the failure is reported:
            // keep the record a moment so that the failure event can still find it.
            r.endNanos = e.nanos;
            if (closedWhileConnecting.size() < maxOpen) {
                closedWhileConnecting.add(new Abandoning(e.connection, r));
            } else {
                r.end(ConnectionEnd.ABANDONED, e.nanos);
                emit(r);
            }
            return;
        }
        r.end(ConnectionEnd.CLOSED, e.nanos);
        emit(r);
    }

    private ConnectionRecord takeClosedWhileConnecting(Object connection) {
        for (Iterator<Abandoning> it = closedWhileConnecting.iterator(); it.hasNext(); ) {
            Abandoning a = it.next();
            if (a.connection.get() == connection) {
                it.remove();
                return a.record;
            }
        }
        return null;
    }

    private void abandonStaleConnects(long now) {
        for (Iterator<Abandoning> it = closedWhileConnecting.iterator(); it.hasNext(); ) {
            ConnectionRecord r = it.next().record;
            if (now - r.endNanos > ABANDON_AFTER_NANOS) {
                it.remove();
                r.end(ConnectionEnd.ABANDONED, r.endNanos);
                emit(r);
            }
        }
    }

    /** A channel closed while its non-blocking connect was pending, and its record. */
    private static final class Abandoning {
        final WeakReference<Object> connection;
        final ConnectionRecord record;

        Abandoning(Object connection, ConnectionRecord record) {
            this.connection = new WeakReference<>(connection);
            this.record = record;
        }
    }

    private ConnectionRecord newRecord(Event e, ConnectionRecord.Direction direction) {
        String serverName = null;
        if (e.target instanceof InetSocketAddress) {
            serverName = ((InetSocketAddress) e.target).getHostString();
        }
        StackWalker.StackFrame site = e.callSite != null || direction == ConnectionRecord.Direction.ACCEPTED
                ? e.callSite : connectRequests.take(e.connection);
        ConnectionRecord r = new ConnectionRecord(ids.incrementAndGet(), direction, e.api, serverName,
                e.threadName, callSites.resolve(site),
                direction == ConnectionRecord.Direction.ACCEPTED ? e.nanos : e.startNanos);
        if (e.jdbcScope != null) {
            r.jdbc = jdbc.connecting(e.jdbcScope);
            if (r.jdbc != null) r.jdbc.sockets++;
        }
        if (e.error != null || e.kind == EventKind.CONNECT_PENDING) {
            InetSocketAddress t = (InetSocketAddress) e.target;
            r.endpoints(null, 0, t.getAddress(), t.getPort());
        } else {
            r.endpoints(e.localAddress, e.localPort, e.peerAddress, e.peerPort);
        }
        return r;
    }

    private void beforeConnect(Object connection, int flag, boolean set) {
        Integer old = beforeConnect.get(connection);
        int flags = old == null ? 0 : old;
        flags = set ? flags | flag : flags & ~flag;
        if (flags == 0) {
            beforeConnect.remove(connection);
        } else {
            beforeConnect.put(connection, flags);
        }
    }

    private void track(Object connection, ConnectionRecord r) {
        Integer before = beforeConnect.remove(connection);
        if (before != null) {
            r.lingerZero((before & LINGER_ZERO) != 0);
            r.boundBeforeConnect = (before & BOUND) != 0;
        }
        if (!open.put(connection, r)) {
            untracked.incrementAndGet();
            return;
        }
        if (!r.isConnecting()) {
            sinkOpened(r);
        }
    }

    /**
     * An opened connection: its report goes to the reporter at the end of this drain, or with its
     * ended report if it ends first. A short connection (most of a churn) then costs the reporter's
     * queue one report instead of two.
     */
    private void sinkOpened(ConnectionRecord r) {
        observe(r, true);
        r.openedPending = true;
        openedThisDrain.add(r);
    }

    /** An ended connection: to the reporter, which asks the kernel and tells the sink. */
    private void emit(ConnectionRecord r) {
        observe(r, false);
        if (r.openedPending) {
            r.openedPending = false;
            r.carriesOpened = true;
        }
        reporter.ended(r);
    }

    /** Hands over the opened reports of connections still open at the end of a drain. */
    private void reportOpened() {
        for (ConnectionRecord r : openedThisDrain) {
            if (r.openedPending) {
                r.openedPending = false;
                reporter.opened(r);
            }
        }
        openedThisDrain.clear();
    }

    private void observe(ConnectionRecord r, boolean opened) {
        ConnectionSink o = observer;
        if (o == null) {
            return;
        }
        try {
            if (opened) {
                o.opened(r);
            } else {
                o.ended(r);
            }
        } catch (RuntimeException e) {
            failures.accept(e); // the reporter still gets the record
        }
    }
}
