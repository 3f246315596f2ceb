package io.portwatch.instrument.jdk;

import io.portwatch.bootstrap.Bridge;
import io.portwatch.bootstrap.SocketListener;
import io.portwatch.instrument.jdk.fixtures.FakeAcceptingSockets;
import io.portwatch.instrument.jdk.fixtures.FakeSocket;
import io.portwatch.instrument.jdk.fixtures.FakeSocketChannel;
import io.portwatch.instrument.jdk.fixtures.FakeSocketStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.spi.SelectorProvider;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the woven methods report, and that they return and throw exactly what they would unwoven:
 * fixture classes with the JDK methods' names and descriptors, woven by the same weavers, loaded
 * (and so verified) in a loader of their own, with a recording listener on the bridge.
 */
class WovenMethodsTest {

    private static final SocketAddress TARGET = new InetSocketAddress("127.0.0.1", 3306);

    private final RecordingListener listener = new RecordingListener();
    private final WovenFixtures fixtures = new WovenFixtures()
            .weave(FakeSocket.class, "java/net/Socket")
            .weave(FakeSocketStreams.Input.class, "java/net/Socket$SocketInputStream")
            .weave(FakeSocketStreams.Output.class, "java/net/Socket$SocketOutputStream")
            .weave(FakeSocketChannel.class, "sun/nio/ch/SocketChannelImpl")
            .weave(FakeAcceptingSockets.ServerSocket.class, "java/net/ServerSocket")
            .weave(FakeAcceptingSockets.Net.class, "sun/nio/ch/Net");

    @BeforeEach
    void listen() {
        Bridge.sockets = listener;
    }

    @AfterEach
    void stopListening() {
        Bridge.sockets = SocketListener.NOOP;
    }

    @Test
    void socketConnectReportsItsStartAndEnd() throws Exception {
        Object socket = create(FakeSocket.class);
        long before = System.nanoTime();
        call(socket, "connect", new Class<?>[] {SocketAddress.class, int.class}, TARGET, 1000);
        long after = System.nanoTime();
        assertEquals(List.of("connected"), listener.calls);
        Object[] args = listener.arguments.get(0);
        assertSame(socket, args[0]);
        assertSame(TARGET, args[1]);
        long start = (Long) args[2];
        assertTrue(start >= before && start <= after, "start is taken on entry");
        assertEquals(true, get(socket, "swallowedInternally"),
                "the method's own handler caught its own exception: the woven catch-all comes after it");
    }

    @Test
    void socketConnectThatThrowsReportsTheErrorAndRethrowsIt() throws Exception {
        Object socket = create(FakeSocket.class);
        IOException refused = new java.net.ConnectException("Connection refused");
        set(socket, "fail", refused);
        IOException thrown = assertThrows(IOException.class,
                () -> call(socket, "connect", new Class<?>[] {SocketAddress.class, int.class}, TARGET, 1000));
        assertSame(refused, thrown, "the application sees its own exception");
        assertEquals(List.of("connected failed"), listener.calls);
        assertSame(refused, listener.arguments.get(0)[3]);
    }

    @Test
    void theOverloadThatDelegatesIsNotWoven() throws Exception {
        Object socket = create(FakeSocket.class);
        call(socket, "connect", new Class<?>[] {SocketAddress.class}, TARGET);
        assertEquals(List.of("connected"), listener.calls, "seen once, in connect(SocketAddress, int)");
    }

    @Test
    void socketCloseIsReportedWhetherItReturnsOrThrows() throws Exception {
        Object socket = create(FakeSocket.class);
        call(socket, "close", new Class<?>[0]);
        set(socket, "fail", new IOException("close failed"));
        assertThrows(IOException.class, () -> call(socket, "close", new Class<?>[0]));
        assertEquals(List.of("closed", "closed"), listener.calls);
    }

    @Test
    void bindShutdownAndLingerAreReportedOnlyWhenTheyWorked() throws Exception {
        Object socket = create(FakeSocket.class);
        call(socket, "bind", new Class<?>[] {SocketAddress.class}, TARGET);
        call(socket, "shutdownOutput", new Class<?>[0]);
        call(socket, "setSoLinger", new Class<?>[] {boolean.class, int.class}, true, 0);
        call(socket, "setSoLinger", new Class<?>[] {boolean.class, int.class}, true, 5);
        Object same = call(socket, "setOption", new Class<?>[] {SocketOption.class, Object.class},
                StandardSocketOptions.SO_LINGER, 0);
        call(socket, "setOption", new Class<?>[] {SocketOption.class, Object.class}, StandardSocketOptions.TCP_NODELAY, true);
        assertSame(socket, same, "the woven setOption returns what it returned");
        assertEquals(List.of("bound", "outputShutdown", "lingerSet true", "lingerSet false", "lingerSet true"), listener.calls);

        listener.calls.clear();
        set(socket, "fail", new IOException("no"));
        for (String m : new String[] {"bind", "shutdownOutput"}) {
            Class<?>[] types = m.equals("bind") ? new Class<?>[] {SocketAddress.class} : new Class<?>[0];
            Object[] args = m.equals("bind") ? new Object[] {TARGET} : new Object[0];
            assertThrows(IOException.class, () -> call(socket, m, types, args));
        }
        assertEquals(Collections.emptyList(), listener.calls);
        assertEquals(42, call(socket, "getPort", new Class<?>[0]));
    }

    @Test
    void streamsReportEndOfStreamAndFailuresOnTheirSocket() throws Exception {
        Object socket = create(FakeSocket.class);
        Object in = create(FakeSocketStreams.Input.class, new Class<?>[] {load(FakeSocket.class)}, socket);
        set(in, "next", 5);
        assertEquals(5, call(in, "read", new Class<?>[] {byte[].class, int.class, int.class}, new byte[8], 0, 8));
        set(in, "next", -1);
        assertEquals(-1, call(in, "read", new Class<?>[0]));
        IOException reset = new java.net.SocketException("Connection reset");
        set(in, "fail", reset);
        assertSame(reset, assertThrows(IOException.class, () -> call(in, "read", new Class<?>[0])));
        // read() calls read(byte[], int, int): both are woven, as in the JDK, and both report
        assertEquals(List.of("endOfStream", "endOfStream", "ioFailed", "ioFailed"), listener.calls);
        for (Object[] args : listener.arguments) assertSame(socket, args[0], "reported on the parent socket");

        listener.calls.clear();
        Object out = create(FakeSocketStreams.Output.class, new Class<?>[] {load(FakeSocket.class)}, socket);
        call(out, "write", new Class<?>[] {int.class}, 1);
        set(out, "fail", reset);
        assertThrows(IOException.class, () -> call(out, "write", new Class<?>[] {byte[].class, int.class, int.class},
                new byte[1], 0, 1));
        assertEquals(List.of("ioFailed"), listener.calls);
    }

    @Test
    void channelConnectsBlockingPendingAndFailed() throws Exception {
        Object channel = create(FakeSocketChannel.class, new Class<?>[] {SelectorProvider.class}, (Object) null);
        assertEquals(true, call(channel, "connect", new Class<?>[] {SocketAddress.class}, TARGET));
        set(channel, "complete", false);
        assertEquals(false, call(channel, "connect", new Class<?>[] {SocketAddress.class}, TARGET));
        assertEquals(false, call(channel, "finishConnect", new Class<?>[0]));
        set(channel, "complete", true);
        assertEquals(true, call(channel, "finishConnect", new Class<?>[0]));
        call(channel, "blockingConnect", new Class<?>[] {SocketAddress.class, long.class}, TARGET, 1_000_000L);
        set(channel, "fail", new java.net.ConnectException("Connection refused"));
        assertThrows(IOException.class, () -> call(channel, "connect", new Class<?>[] {SocketAddress.class}, TARGET));
        assertThrows(IOException.class, () -> call(channel, "finishConnect", new Class<?>[0]));
        assertThrows(IOException.class,
                () -> call(channel, "blockingConnect", new Class<?>[] {SocketAddress.class, long.class}, TARGET, 5L));
        assertEquals(List.of("connected", "connectPending", "finishedConnect", "connected",
                "connected failed", "finishedConnect failed", "connected failed"), listener.calls);
    }

    @Test
    void channelReadsWritesAndTheRest() throws Exception {
        Object channel = create(FakeSocketChannel.class, new Class<?>[] {SelectorProvider.class}, (Object) null);
        set(channel, "next", -1L);
        assertEquals(-1, call(channel, "read", new Class<?>[] {ByteBuffer.class}, ByteBuffer.allocate(1)));
        assertEquals(-1L, call(channel, "read", new Class<?>[] {ByteBuffer[].class, int.class, int.class},
                new ByteBuffer[0], 0, 0));
        assertEquals(-1, call(channel, "blockingRead", new Class<?>[] {byte[].class, int.class, int.class, long.class},
                new byte[1], 0, 1, 0L));
        set(channel, "next", 3L);
        call(channel, "read", new Class<?>[] {ByteBuffer.class}, ByteBuffer.allocate(1));
        call(channel, "write", new Class<?>[] {ByteBuffer.class}, ByteBuffer.allocate(1));
        call(channel, "bind", new Class<?>[] {SocketAddress.class}, TARGET);
        // through the interface: the bridge calls the real bind, which alone is woven
        Method viaInterface = load(FakeSocketChannel.class).getInterfaces()[0].getMethod("bind", SocketAddress.class);
        viaInterface.invoke(channel, TARGET);
        call(channel, "shutdownOutput", new Class<?>[0]);
        call(channel, "setOption", new Class<?>[] {SocketOption.class, Object.class}, StandardSocketOptions.SO_LINGER, 0);
        call(channel, "implCloseSelectableChannel", new Class<?>[0]);
        set(channel, "fail", new IOException("Broken pipe"));
        assertThrows(IOException.class, () -> call(channel, "write", new Class<?>[] {ByteBuffer.class}, ByteBuffer.allocate(1)));
        assertThrows(IOException.class, () -> call(channel, "blockingWriteFully",
                new Class<?>[] {byte[].class, int.class, int.class}, new byte[1], 0, 1));
        assertThrows(IOException.class, () -> call(channel, "read", new Class<?>[] {ByteBuffer.class}, ByteBuffer.allocate(1)));
        assertThrows(IOException.class, () -> call(channel, "implCloseSelectableChannel", new Class<?>[0]));
        assertEquals(List.of("endOfStream", "endOfStream", "endOfStream", "bound", "bound", "outputShutdown",
                "lingerSet true", "closed", "ioFailed", "ioFailed", "ioFailed", "closed"), listener.calls);
    }

    @Test
    void acceptsAreReportedOnceTheyWorked() throws Exception {
        Class<?>[] acceptArgs = {SelectorProvider.class, java.net.ProtocolFamily.class, FileDescriptor.class,
                SocketAddress.class};
        Object accepted = create(FakeSocketChannel.class, acceptArgs, null, StandardProtocolFamily.INET,
                new FileDescriptor(), TARGET);
        assertThrows(IOException.class, () -> create(FakeSocketChannel.class, acceptArgs, null,
                StandardProtocolFamily.INET, null, TARGET));
        Object server = create(FakeAcceptingSockets.ServerSocket.class);
        Socket socket = new Socket();
        call(server, "implAccept", new Class<?>[] {Socket.class}, socket);
        set(server, "fail", new IOException("no"));
        assertThrows(IOException.class, () -> call(server, "implAccept", new Class<?>[] {Socket.class}, socket));
        assertEquals(List.of("accepted", "accepted"), listener.calls);
        assertSame(accepted, listener.arguments.get(0)[0]);
        assertSame(socket, listener.arguments.get(1)[0]);
    }

    @Test
    void theLocalAddressReadIsHandedOver() throws Exception {
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", 50000);
        Class<?> net = load(FakeAcceptingSockets.Net.class);
        net.getField("next").set(null, local);
        assertSame(local, net.getMethod("localAddress", FileDescriptor.class).invoke(null, new FileDescriptor()));
        assertEquals(List.of("localAddressRead"), listener.calls);
        assertSame(local.getAddress(), listener.arguments.get(0)[0]);
        assertEquals(50000, listener.arguments.get(0)[1]);
    }

    @Test
    void aListenerThatThrowsIsCountedAndTheApplicationGoesOn() throws Exception {
        listener.failWith = new IllegalStateException("listener broke");
        long failuresBefore = Bridge.adviceFailures();
        Object socket = create(FakeSocket.class);
        call(socket, "connect", new Class<?>[] {SocketAddress.class, int.class}, TARGET, 1000);
        call(socket, "close", new Class<?>[0]);
        IOException own = new IOException("its own");
        set(socket, "fail", own);
        assertSame(own, assertThrows(IOException.class, () -> call(socket, "close", new Class<?>[0])));
        assertEquals(3, Bridge.adviceFailures() - failuresBefore);
        assertSame(listener.failWith, Bridge.lastAdviceFailure());
    }

    // ---- reflection over the woven fixtures ----------------------------------------------------

    private Class<?> load(Class<?> fixture) throws ClassNotFoundException {
        return fixtures.loadClass(fixture.getName());
    }

    private Object create(Class<?> fixture) throws Exception {
        return create(fixture, new Class<?>[0]);
    }

    private Object create(Class<?> fixture, Class<?>[] types, Object... args) throws Exception {
        Constructor<?> c = load(fixture).getDeclaredConstructor(types);
        c.setAccessible(true);
        try {
            return c.newInstance(args);
        } catch (InvocationTargetException e) {
            throw rethrown(e);
        }
    }

    private static Object call(Object target, String name, Class<?>[] types, Object... args) throws Exception {
        Method m = target.getClass().getDeclaredMethod(name, types);
        m.setAccessible(true);
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw rethrown(e);
        }
    }

    private static Exception rethrown(InvocationTargetException e) {
        if (e.getCause() instanceof Exception) return (Exception) e.getCause();
        throw new AssertionError(Arrays.toString(e.getStackTrace()), e.getCause());
    }

    private static void set(Object target, String field, Object value) throws Exception {
        target.getClass().getField(field).set(target, value);
    }

    private static Object get(Object target, String field) throws Exception {
        return target.getClass().getField(field).get(target);
    }
}
