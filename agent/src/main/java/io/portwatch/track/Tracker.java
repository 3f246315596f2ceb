package io.portwatch.track;

import java.net.InetSocketAddress;
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
public final class Tracker implements Runnable {

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
    private final CallSites callSites;
    private final OpenConnections<ConnectionRecord> open;
    private final ConnectionEvents events;
    private final JdbcEvents jdbcEvents;
    private final JdbcConnections jdbc;
    private final BeforeConnect beforeConnect;
    private final ClosedWhileConnecting closedWhileConnecting;
    /** Where the application asked for connections that an event loop makes later (Netty). */
    private final ConnectRequests connectRequests;
    private final RecordHandOff handOff;
    private final OpenedBeforeAttach beforeAttach = new OpenedBeforeAttach();
    private final AtomicLong untracked = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    private final Reporter reporter;
    private volatile boolean stopping;
    private volatile Consumer<Throwable> failures = Nowhere.consumer();
    private volatile Consumer<String> problems = Nowhere.consumer();
    /* Not this::handle: built before main, where each lambda is a class the JVM spins. */
    private final Consumer<Event> handler = new Consumer<Event>() {
        @Override
        public void accept(Event e) {
            handle(e);
        }
    };
    private final LossReports losses = new LossReports();
    private volatile Thread loopThread;

    public Tracker(int ringCapacity, int maxOpen, CallSites callSites) {
        this.ring = new EventRing(ringCapacity);
        this.reporter = new Reporter(Math.max(1024, ringCapacity));
        this.handOff = new RecordHandOff(reporter);
        this.callSites = callSites;
        this.open = new OpenConnections<>(maxOpen);
        this.beforeConnect = new BeforeConnect(maxOpen);
        this.closedWhileConnecting = new ClosedWhileConnecting(maxOpen);
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
        handOff.failures(failures);
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
        handOff.observer(observer);
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
        ring.drain(handler);
        handOff.endOfDrain();
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
        beforeAttach.listed(new OpenedBeforeAttach.Waiting(localAddress, localPort, peerAddress, peerPort, accepted,
                seenNanos));
    }

    /** Processes whatever is waiting; returns how many events were handled. Tracker thread only. */
    public int drain() {
        beforeAttach.takeListed();
        int n = ring.drain(handler);
        for (ConnectionRecord r : open.expungeCollected()) {
            r.end(ConnectionEnd.COLLECTED, System.nanoTime());
            handOff.ended(r);
        }
        jdbc.endCollected(System.nanoTime());
        closedWhileConnecting.abandon(System.nanoTime(), false, handOff);
        handOff.endOfDrain();
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
    @Override
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

    /** Says that connections went unrecorded, if any were, as {@link LossReports} paces it. Tracker thread. */
    void sayLosses(long now, boolean last) {
        losses.say(ring.dropped(), reporter.dropped(), now, last, problems);
    }

    /** Asks the loop to finish: it drains what is left, ends what is open, and returns. */
    public void stop() {
        stopping = true;
        Thread t = loopThread;
        if (t != null) {
            LockSupport.unpark(t);
        }
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
            handOff.ended(r);
        }
        closedWhileConnecting.abandon(now, true, handOff);
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
                    handOff.ended(r);
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
                    beforeConnect.mark(e.connection, BeforeConnect.LINGER_ZERO, e.flag);
                }
                break;
            case BOUND:
                if (known(e.connection) == null) {
                    beforeConnect.mark(e.connection, BeforeConnect.BOUND, true);
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
        if (r == null) {
            r = beforeAttach.recordFor(connection, ids);
            if (r != null) track(connection, r);
        }
        return r;
    }

    private void finishConnect(Event e) {
        ConnectionRecord r = open.get(e.connection);
        if (r == null || !r.isConnecting()) {
            // finishConnect() also returns true on a channel connected long ago; or its channel
            // was closed inside the failing finishConnect, before this event: look there.
            r = e.error == null ? null : closedWhileConnecting.take(e.connection);
            if (r == null) return;
        }
        if (e.error != null) {
            open.remove(e.connection);
            r.fail(e.error, e.nanos);
            handOff.ended(r);
        } else {
            r.connectedNanos = e.nanos;
            // keep the target's address when the channel's could not be read
            r.endpoints(e.localAddress, e.localPort,
                    e.peerAddress != null ? e.peerAddress : r.peerAddress, e.peerAddress != null ? e.peerPort : r.peerPort);
            handOff.opened(r);
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
            if (!closedWhileConnecting.hold(e.connection, r)) {
                r.end(ConnectionEnd.ABANDONED, e.nanos);
                handOff.ended(r);
            }
            return;
        }
        r.end(ConnectionEnd.CLOSED, e.nanos);
        handOff.ended(r);
    }

    private ConnectionRecord newRecord(Event e, ConnectionRecord.Direction direction) {
        // An event-loop connect: where the application asked for it beats the event loop's own walk.
        StackWalker.StackFrame requested = direction == ConnectionRecord.Direction.ACCEPTED ? null
                : connectRequests.take(e.connection);
        StackWalker.StackFrame site = requested != null ? requested : e.callSite;
        ConnectionRecord r = new ConnectionRecord(ids.incrementAndGet(), direction, e.api, null,
                e.threadName, callSites.resolve(site),
                direction == ConnectionRecord.Direction.ACCEPTED ? e.nanos : e.startNanos);
        if (e.target instanceof InetSocketAddress) r.requested = (InetSocketAddress) e.target;
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

    private void track(Object connection, ConnectionRecord r) {
        beforeConnect.applyTo(connection, r);
        if (!open.put(connection, r)) {
            untracked.incrementAndGet();
            return;
        }
        if (!r.isConnecting()) {
            handOff.opened(r);
        }
    }
}
