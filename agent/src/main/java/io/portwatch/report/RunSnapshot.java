package io.portwatch.report;

import io.portwatch.hostrules.RuleResult;
import io.portwatch.track.ConnectionCounts;

import java.util.List;
import java.util.Map;

/**
 * Everything a report shows, copied out of the {@link RunHistory} at one moment, so that a report
 * is rendered without holding the history's lock. Never changed after it is built.
 */
final class RunSnapshot {

    /** One destination's budget: its worst moments, and its series when it is charted. */
    static final class Destination {
        final String name;
        final String serverAddress;
        final int serverPort;
        final int peakUsed;
        final int peakTimeWait;
        final int capacity;
        /** Seconds a TIME_WAIT port blocked new connections, at the last sample: 60, or the reuse delay. */
        final double holdSeconds;
        final double peakRate;
        final double leastSecondsLeft;
        final long leastSecondsLeftAt;
        /** {@code {elapsed millis, value}} points; null when not charted. */
        final double[][] used;
        final double[][] timeWait;
        final double[][] capacitySeries;

        Destination(DestinationTrack t, long until) {
            name = t.name;
            serverAddress = t.serverAddress;
            serverPort = t.serverPort;
            peakUsed = t.peakUsed;
            peakTimeWait = t.peakTimeWait;
            capacity = t.lastCapacity;
            holdSeconds = t.lastHoldSeconds;
            peakRate = t.peakRate;
            leastSecondsLeft = t.leastSecondsLeft;
            leastSecondsLeftAt = t.leastSecondsLeftAt;
            used = t.used == null ? null : t.used.points(until, false);
            timeWait = t.timeWait == null ? null : t.timeWait.points(until, false);
            capacitySeries = t.capacity == null ? null : t.capacity.points(until, false);
        }

        boolean charted() {
            return used != null;
        }
    }

    /** A port-exhaustion warning raised, updated (its text says so) or cleared. */
    static final class Warning {
        final long atMillis;
        /** Raised or updated: in force from then on. */
        final boolean raised;
        final String destination;
        final String serverAddress;
        final int serverPort;
        final String text;
        final String advice;

        Warning(long atMillis, boolean raised, String destination, String serverAddress, int serverPort,
                String text, String advice) {
            this.atMillis = atMillis;
            this.raised = raised;
            this.destination = destination;
            this.serverAddress = serverAddress;
            this.serverPort = serverPort;
            this.text = text;
            this.advice = advice;
        }
    }

    final String application;
    final long pid;
    final long startEpochMillis;
    final long elapsedMillis;
    final ConnectionCounts totals;
    /** Most connections first. */
    final List<CallSiteTable.Row> callSites;
    /** In the order they were first seen. */
    final List<Destination> destinations;
    /** Outgoing connections ended per second, by closer (index: {@code Closer.ordinal()}). */
    final double[][][] closerRates;
    final double[][] hostTimeWait;
    final List<Warning> warnings;
    final long warningsRaised;
    /** Host settings that did not pass; null when the kernel's tables were never read. */
    final List<RuleResult> hostVerdicts;
    final boolean kernelSampled;
    final long droppedEvents;
    final long untracked;
    /** The coarsest bucket of the series: the resolution the charts have. */
    final long resolutionMillis;
    /**
     * Connections no instrumentation reported, counted from the kernel's tables, by destination
     * ({@code host:port}, or {@code accepted on port N}), in the order first seen.
     */
    final Map<String, Long> uninstrumented;

    RunSnapshot(String application, long pid, long startEpochMillis, long elapsedMillis, ConnectionCounts totals,
                List<CallSiteTable.Row> callSites, List<Destination> destinations, double[][][] closerRates,
                double[][] hostTimeWait, List<Warning> warnings, long warningsRaised, List<RuleResult> hostVerdicts,
                boolean kernelSampled, long droppedEvents, long untracked, long resolutionMillis,
                Map<String, Long> uninstrumented) {
        this.application = application;
        this.pid = pid;
        this.startEpochMillis = startEpochMillis;
        this.elapsedMillis = elapsedMillis;
        this.totals = totals;
        this.callSites = callSites;
        this.destinations = destinations;
        this.closerRates = closerRates;
        this.hostTimeWait = hostTimeWait;
        this.warnings = warnings;
        this.warningsRaised = warningsRaised;
        this.hostVerdicts = hostVerdicts;
        this.kernelSampled = kernelSampled;
        this.droppedEvents = droppedEvents;
        this.untracked = untracked;
        this.resolutionMillis = resolutionMillis;
        this.uninstrumented = uninstrumented;
    }
}
