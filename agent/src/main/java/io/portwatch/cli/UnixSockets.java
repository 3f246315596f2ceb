package io.portwatch.cli;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Unix-domain stream sockets from Java, which the JDK has since 16 ({@code UnixDomainSocketAddress},
 * {@code SocketChannel.open(UNIX)}). The agent's bytecode targets Java 11, so both are reached by
 * reflection: the command then knows at run time whether the Java running it has them.
 */
final class UnixSockets {

    private static final Method OPEN;
    private static final Method ADDRESS;

    static {
        Method open = null;
        Method address = null;
        try {
            open = SocketChannel.class.getMethod("open", ProtocolFamily.class);
            address = Class.forName("java.net.UnixDomainSocketAddress").getMethod("of", Path.class);
            StandardProtocolFamily.valueOf("UNIX");
        } catch (ReflectiveOperationException | IllegalArgumentException before16) {
            open = null;
            address = null;
        }
        OPEN = open;
        ADDRESS = address;
    }

    private UnixSockets() {}

    /** Whether the Java running this command can open Unix-domain sockets (16 and later). */
    static boolean available() {
        return OPEN != null;
    }

    /** A blocking channel connected to the socket file {@code path}. */
    static SocketChannel connect(Path path) throws IOException {
        if (!available()) {
            throw new IOException("Unix-domain sockets need Java 16 or later; this is Java " + Runtime.version().feature());
        }
        SocketChannel channel;
        SocketAddress address;
        try {
            channel = (SocketChannel) OPEN.invoke(null, StandardProtocolFamily.valueOf("UNIX"));
            address = (SocketAddress) ADDRESS.invoke(null, path);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException) throw (IOException) cause;
            throw new IOException(cause);
        } catch (IllegalAccessException e) {
            throw new IOException(e);
        }
        try {
            channel.connect(address);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
