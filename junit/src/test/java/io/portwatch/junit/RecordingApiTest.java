package io.portwatch.junit;

import io.portwatch.api.ConnectionRecording;
import io.portwatch.api.ConnectionReport;
import io.portwatch.api.DestinationTotals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** portwatch-api against the agent this JVM runs with: exact counts per destination, closer and call site. */
class RecordingApiTest {

    private static LoopbackServer clientCloses;
    private static LoopbackServer serverCloses;

    @BeforeAll
    static void servers() throws Exception {
        assertTrue(ConnectionRecording.agentAttached(), "these tests run with -javaagent (see pom.xml)");
        clientCloses = new LoopbackServer(false);
        serverCloses = new LoopbackServer(true);
    }

    @AfterAll
    static void stop() throws Exception {
        clientCloses.close();
        serverCloses.close();
    }

    private static String at(LoopbackServer s) {
        return "127.0.0.1:" + s.port();
    }

    @Test
    void countsConnectsAndClosesPerDestinationCloserAndCallSite() throws Exception {
        // Opened before the recording, closed inside it: a close, not a connect (a pool's connection).
        Socket early = new Socket("127.0.0.1", clientCloses.port());
        InputStream in = early.getInputStream();
        assertEquals(1, in.read());
        ConnectionReport report;
        try (ConnectionRecording recording = ConnectionRecording.start()) {
            clientCloses.connect(7);
            serverCloses.connect(2);
            early.close();
            report = recording.stop();
        }
        assertTrue(report.complete(), report::toString);
        assertEquals(0, report.overlappingRecordings());

        DestinationTotals mine = report.totals(at(clientCloses));
        assertEquals(7, mine.physicalConnects(), report::toString);
        assertEquals(8, mine.localCloses(), report::toString);
        assertEquals(8, mine.closes(), report::toString);
        assertEquals(1.0, mine.localCloseShare());
        Map.Entry<String, Long> top = mine.callSites().entrySet().iterator().next();
        assertTrue(top.getKey().startsWith(LoopbackServer.class.getName() + ".connect(LoopbackServer.java:"), top::toString);
        assertEquals(7L, top.getValue());

        DestinationTotals theirs = report.totals(at(serverCloses));
        assertEquals(2, theirs.physicalConnects(), report::toString);
        assertEquals(2, theirs.peerCloses(), report::toString);
        assertEquals(0, theirs.localCloses(), report::toString);

        assertEquals(9, report.totals("127.0.0.1:*").physicalConnects(), report::toString);
        assertEquals(0, report.totals("*:1").physicalConnects());
    }

    @Test
    void connectionsBeforeTheRecordingAreNotCounted() throws Exception {
        clientCloses.connect(3);
        ConnectionReport report;
        try (ConnectionRecording recording = ConnectionRecording.start()) {
            report = recording.stop();
        }
        assertTrue(report.complete(), report::toString);
        assertEquals(0, report.totals(at(clientCloses)).physicalConnects(), report::toString);
        assertEquals(0, report.totals(at(clientCloses)).closes(), report::toString);
    }

    @Test
    void recordingsOpenAtTheSameTimeSaySo() {
        ConnectionRecording first = ConnectionRecording.start();
        ConnectionRecording second = ConnectionRecording.start();
        ConnectionReport secondReport = second.stop();
        ConnectionReport firstReport = first.stop();
        for (ConnectionReport r : new ConnectionReport[] {firstReport, secondReport}) {
            assertEquals(1, r.overlappingRecordings());
            assertTrue(!r.complete() && r.problems().get(0).contains("other recording(s) were open at the same time"),
                    r::toString);
        }
        try (ConnectionRecording alone = ConnectionRecording.start()) {
            assertTrue(alone.stop().complete(), "a recording after them is alone again");
        }
    }

    @Test
    void stopTwiceGivesTheSameReport() {
        ConnectionRecording recording = ConnectionRecording.start();
        ConnectionReport report = recording.stop();
        assertTrue(report == recording.stop());
        recording.close();
    }
}
