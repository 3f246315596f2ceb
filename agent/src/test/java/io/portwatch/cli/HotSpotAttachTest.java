package io.portwatch.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The attach protocol against a fake JVM: a fake /proc whose process 77 is pid 5 in its own
 * namespace, its /tmp a folder of the test, and a listener on a real Unix-domain socket that
 * answers as HotSpot does. SIGQUIT is not sent: the fake signal checks the trigger file and starts
 * the listener, as the JVM's signal handler would.
 */
class HotSpotAttachTest {

    private static final long PID = 77;
    private static final long NSPID = 5;

    @TempDir
    Path base;
    private Path proc;
    private Path tmp;
    private Path cwd;
    private long myUid;
    private final List<Long> signalled = new ArrayList<>();
    private final List<String> triggersSeen = new ArrayList<>();
    private CompletableFuture<byte[]> request;

    @BeforeEach
    void fakeProcess() throws IOException {
        assumeTrue(UnixSockets.available(), "needs Java 16+ to run, for Unix-domain sockets");
        myUid = ((Number) Files.getAttribute(base, "unix:uid")).longValue();
        proc = Files.createDirectories(base.resolve("proc"));
        tmp = Files.createDirectories(base.resolve("root/tmp"));
        cwd = Files.createDirectories(base.resolve("cwd"));
        Path dir = Files.createDirectories(proc.resolve(Long.toString(PID)));
        Files.createSymbolicLink(dir.resolve("root"), base.resolve("root"));
        Files.createSymbolicLink(dir.resolve("cwd"), cwd);
        status("0000000000004004"); // SIGQUIT (3) and SIGHUP (1) caught
    }

    private void status(String sigCgt) throws IOException {
        Files.write(proc.resolve(PID + "/status"), ("Name:\tjava\nTgid:\t77\nNStgid:\t77\t5\nUid:\t" + myUid + "\t" + myUid
                + "\t" + myUid + "\t" + myUid + "\nSigCgt:\t" + sigCgt + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private HotSpotAttach client(Signals signals, Duration listenerWait) {
        JavaProcess target = JavaProcess.read(proc, PID);
        return new HotSpotAttach(proc, target, new TargetTmp(proc, target), signals, listenerWait, Duration.ofSeconds(10));
    }

    /** The JVM's side: on SIGQUIT with a trigger present, a listener that answers {@code reply} once. */
    private Signals jvmAnswering(String reply) {
        return pid -> {
            signalled.add(pid);
            for (Path t : new Path[] {tmp.resolve(".attach_pid" + NSPID), cwd.resolve(".attach_pid" + NSPID)}) {
                if (Files.exists(t)) triggersSeen.add(base.relativize(t).toString());
            }
            try {
                listen(reply);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        };
    }

    private void listen(String reply) throws IOException {
        Path socket = tmp.resolve(".java_pid" + NSPID);
        Files.deleteIfExists(socket); // as HotSpot does before it binds
        ServerSocketChannel server = unixServer(socket);
        request = CompletableFuture.supplyAsync(() -> {
            try (ServerSocketChannel s = server; SocketChannel c = s.accept()) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(4096);
                int nuls = 0;
                while (nuls < 5 && c.read(buf) > 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        byte b = buf.get();
                        got.write(b);
                        if (b == 0) nuls++;
                    }
                    buf.clear();
                }
                c.write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)));
                return got.toByteArray();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static ServerSocketChannel unixServer(Path socket) throws IOException {
        try {
            ServerSocketChannel server = (ServerSocketChannel) ServerSocketChannel.class.getMethod("open", ProtocolFamily.class)
                    .invoke(null, StandardProtocolFamily.valueOf("UNIX"));
            server.bind((SocketAddress) Class.forName("java.net.UnixDomainSocketAddress").getMethod("of", Path.class)
                    .invoke(null, socket));
            return server;
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
    }

    @Test
    void startsTheListenerThenSendsLoadInstrumentAndReadsTheAnswer() throws Exception {
        HotSpotAttach.Reply reply = client(jvmAnswering("0\nreturn code: 0\n"), Duration.ofSeconds(5))
                .loadAgent("/tmp/portwatch-agent.jar", "debug=true,reply=/tmp/r.txt");
        assertArrayEquals("1\0load\0instrument\0false\0/tmp/portwatch-agent.jar=debug=true,reply=/tmp/r.txt\0"
                .getBytes(StandardCharsets.UTF_8), request.get(5, TimeUnit.SECONDS));
        assertEquals(List.of(PID), signalled, "SIGQUIT to the host pid");
        assertEquals(List.of("root/tmp/.attach_pid5"), triggersSeen, "the trigger in its /tmp, named by its own pid");
        assertFalse(Files.exists(tmp.resolve(".attach_pid5")), "the trigger is removed");
        assertEquals(0, reply.status);
        assertNull(reply.loadFailure("/tmp/portwatch-agent.jar"));
    }

    @Test
    void aRunningListenerIsUsedWithoutASignal() throws Exception {
        listen("0\nreturn code: 0\n");
        HotSpotAttach.Reply reply = client(pid -> {
            throw new AssertionError("no signal when the listener runs");
        }, Duration.ofSeconds(5)).loadAgent("/a.jar", "x=1");
        assertNull(reply.loadFailure("/a.jar"));
    }

    @Test
    void aStaleSocketIsReplacedByTheListenerTheSignalStarts() throws Exception {
        unixServer(tmp.resolve(".java_pid" + NSPID)).close(); // the file stays, nobody listens
        HotSpotAttach.Reply reply = client(jvmAnswering("0\nreturn code: 0\n"), Duration.ofSeconds(5)).loadAgent("/a.jar", "x=1");
        assertEquals(List.of(PID), signalled);
        assertNull(reply.loadFailure("/a.jar"));
    }

    @Test
    void noSignalToAProcessWithoutASigquitHandler() throws Exception {
        status("0000000000000000");
        HotSpotAttach.Failure f = assertThrows(HotSpotAttach.Failure.class, () -> client(pid -> {
            throw new AssertionError("SIGQUIT would end it");
        }, Duration.ofSeconds(5)).loadAgent("/a.jar", "x=1"));
        assertTrue(f.getMessage().contains("no SIGQUIT handler"), f.getMessage());
    }

    @Test
    void aListenerThatNeverStartsIsReportedAndTheTriggerRemoved() {
        HotSpotAttach.Failure f = assertThrows(HotSpotAttach.Failure.class,
                () -> client(signalled::add, Duration.ofMillis(300)).loadAgent("/a.jar", "x=1"));
        assertTrue(f.getMessage().startsWith("pid 77 did not start its attach listener within 0 s"), f.getMessage());
        assertFalse(Files.exists(tmp.resolve(".attach_pid5")));
    }

    @Test
    void aTriggerNameTakenInTmpPutsTheTriggerInTheWorkingDirectory() throws Exception {
        // Somebody's link where the trigger goes (a shared /tmp): not followed, not trusted.
        Files.createSymbolicLink(tmp.resolve(".attach_pid5"), base.resolve("nowhere"));
        client(jvmAnswering("0\nreturn code: 0\n"), Duration.ofSeconds(5)).loadAgent("/a.jar", "x=1");
        assertEquals(List.of("cwd/.attach_pid5"), triggersSeen);
        assertFalse(Files.exists(cwd.resolve(".attach_pid5")));
    }

    @Test
    void argumentsLongerThanTheProtocolAllowsAreRefusedBeforeAnythingIsSent() {
        HotSpotAttach.Failure f = assertThrows(HotSpotAttach.Failure.class, () -> client(pid -> {
            throw new AssertionError("nothing sent");
        }, Duration.ofSeconds(5)).loadAgent("/a.jar", "x=" + "y".repeat(1100)));
        assertTrue(f.getMessage().contains("the attach protocol allows 1023"), f.getMessage());
    }

    @Test
    void theAnswersOfLoadSayWhatWentWrong() throws Exception {
        assertNull(HotSpotAttach.parse("0\nreturn code: 0\n").loadFailure("/a.jar"));
        assertEquals("the JVM could not open the agent jar /a.jar (not found, unreadable, or no Agent-Class)",
                HotSpotAttach.parse("0\nreturn code: 100\n").loadFailure("/a.jar"));
        assertEquals("the agent was loaded but failed to start; see that process's stderr",
                HotSpotAttach.parse("0\nreturn code: 102\n").loadFailure("/a.jar"));
        assertEquals("the JVM refused the agent (status -1): Dynamic agent loading is not enabled.",
                HotSpotAttach.parse("-1\nDynamic agent loading is not enabled.\n").loadFailure("/a.jar"));
        HotSpotAttach.Failure f = assertThrows(HotSpotAttach.Failure.class, () -> HotSpotAttach.parse(""));
        assertEquals("the JVM closed the attach connection without an answer", f.getMessage());
    }
}
