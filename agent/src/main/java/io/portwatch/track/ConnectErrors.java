package io.portwatch.track;

import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * Turns the exception of a failed connect into the {@code error.type} of its span, and tells the
 * failures that never reached the network apart from real connect attempts.
 *
 * <p>The JDK maps errno to a message, not to a type (measured on JDK 17 and 25: EADDRNOTAVAIL is a
 * {@code BindException} "Cannot assign requested address" on JDK 13+, a
 * {@code NoRouteToHostException} with the same text on the legacy socket impl), so the message
 * decides first and the exception type second.
 */
public final class ConnectErrors {

    private ConnectErrors() {}

    /** True when the connect never tried the network: no physical connection to record. */
    public static boolean isNotAnAttempt(Throwable error) {
        if (error instanceof UnknownHostException
                || error instanceof UnresolvedAddressException
                || error instanceof UnsupportedAddressTypeException
                || error instanceof AlreadyConnectedException
                || error instanceof ConnectionPendingException
                || error instanceof IllegalArgumentException
                || error instanceof SecurityException
                || error.getClass() == ClosedChannelException.class) { // not its subclass AsynchronousCloseException

            return true;
        }
        // java.net.Socket says these with a plain SocketException before touching the network.
        String m = error.getMessage();
        return error instanceof java.net.SocketException && m != null
                && (m.equals("already connected") || m.equals("Socket is closed"));
    }

    /** The span's {@code error.type}: an errno name where one is known, else the exception class. */
    public static String errorType(Throwable error) {
        String m = error.getMessage();
        if (m != null) {
            if (m.contains("Cannot assign requested address")) return "EADDRNOTAVAIL";
            if (m.contains("Address already in use")) return "EADDRINUSE";
            if (m.contains("Connection refused")) return "ECONNREFUSED";
            if (m.contains("timed out")) return "ETIMEDOUT";
            if (m.contains("Network is unreachable")) return "ENETUNREACH";
            if (m.contains("No route to host")) return "EHOSTUNREACH";
            if (m.contains("Connection reset")) return "ECONNRESET";
        }
        if (error instanceof SocketTimeoutException) return "ETIMEDOUT";
        if (error instanceof ConnectException) return "ECONNREFUSED";
        if (error instanceof NoRouteToHostException) return "EHOSTUNREACH";
        if (error instanceof BindException) return "EADDRINUSE";
        if (error instanceof ClosedChannelException) return "closed";
        return error.getClass().getName();
    }

    /** True when a read or write failure means the connection was reset. */
    public static boolean isReset(Throwable error) {
        String m = error.getMessage();
        return m != null && m.contains("Connection reset");
    }
}
