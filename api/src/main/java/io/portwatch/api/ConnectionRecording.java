package io.portwatch.api;

import java.time.Duration;

/**
 * A recording scope: from {@link #start()} to {@link #stop()}, what the portwatch agent sees this
 * JVM do, per destination and call site. Counts are JVM-wide (every thread, pools' own threads
 * included), so a recording counts only its own test when nothing else runs at the same time.
 *
 * <pre>{@code
 * try (ConnectionRecording recording = ConnectionRecording.start()) {
 *     writer.writeAll(rows);
 *     ConnectionReport report = recording.stop();
 *     assertTrue(report.totals("*:3306").physicalConnects() <= 10, report::toString);
 * }
 * }</pre>
 *
 * <p>{@link #stop()} waits until the agent has counted every event raised before it (the agent
 * counts on its own thread, a few milliseconds behind), at most {@link #DEFAULT_WAIT}; when the
 * wait runs out, or events were lost, the report says so ({@link ConnectionReport#problems()}).
 */
public final class ConnectionRecording implements AutoCloseable {

    /** How long {@link #stop()} waits for the agent to catch up. */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);

    private final AgentChannel channel;
    private final long id;
    private ConnectionReport report;
    private boolean stopped;

    private ConnectionRecording(AgentChannel channel, long id) {
        this.channel = channel;
        this.id = id;
    }

    /** Whether the agent is attached to this JVM (recording may still fail if it did not start). */
    public static boolean agentAttached() {
        return AgentChannel.present();
    }

    /**
     * Starts recording.
     *
     * @throws AgentNotAttachedException when the agent is not attached, saying how to attach it
     */
    public static ConnectionRecording start() {
        AgentChannel channel = AgentChannel.find();
        return new ConnectionRecording(channel, channel.open());
    }

    /** Stops recording and returns what was counted; later calls return the same report. */
    public synchronized ConnectionReport stop() {
        return stop(DEFAULT_WAIT);
    }

    /** Like {@link #stop()}, waiting at most {@code wait} for the agent to catch up. */
    public synchronized ConnectionReport stop(Duration wait) {
        if (!stopped) {
            stopped = true;
            report = channel.close(id, wait);
            if (report == null) {
                throw new IllegalStateException("the portwatch agent no longer knows recording " + id);
            }
        }
        return report;
    }

    /** Stops recording if still running; the counts are dropped. */
    @Override
    public synchronized void close() {
        if (!stopped) {
            stopped = true;
            channel.close(id, Duration.ZERO);
        }
    }
}
