package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectErrorsTest {

    @Test
    void addressNotAvailableFromEitherImplementation() {
        // JDK 13+ (NioSocketImpl): BindException; legacy PlainSocketImpl: NoRouteToHostException.
        assertEquals("EADDRNOTAVAIL", ConnectErrors.errorType(new BindException("Cannot assign requested address")));
        assertEquals("EADDRNOTAVAIL", ConnectErrors.errorType(
                new NoRouteToHostException("Cannot assign requested address (connect failed)")));
        assertEquals("EADDRNOTAVAIL", ConnectErrors.errorType(
                new ConnectException("Cannot assign requested address: connect")));
    }

    @Test
    void addressInUse() {
        assertEquals("EADDRINUSE", ConnectErrors.errorType(new BindException("Address already in use")));
        assertEquals("EADDRINUSE", ConnectErrors.errorType(new BindException()), "no message: by type");
    }

    @Test
    void connectionRefused() {
        assertEquals("ECONNREFUSED", ConnectErrors.errorType(new ConnectException("Connection refused")));
        assertEquals("ECONNREFUSED", ConnectErrors.errorType(
                new ConnectException("Connection refused: connect")));
    }

    @Test
    void timedOut() {
        assertEquals("ETIMEDOUT", ConnectErrors.errorType(new SocketTimeoutException("Connect timed out")));
        assertEquals("ETIMEDOUT", ConnectErrors.errorType(new SocketTimeoutException("connect timed out")));
        assertEquals("ETIMEDOUT", ConnectErrors.errorType(new ConnectException("Connection timed out")));
        assertEquals("ETIMEDOUT", ConnectErrors.errorType(new SocketTimeoutException()), "no message: by type");
    }

    @Test
    void unreachable() {
        assertEquals("ENETUNREACH", ConnectErrors.errorType(new ConnectException("Network is unreachable")));
        assertEquals("ENETUNREACH", ConnectErrors.errorType(
                new SocketException("Network is unreachable (connect failed)")));
        assertEquals("EHOSTUNREACH", ConnectErrors.errorType(new NoRouteToHostException("No route to host")));
        assertEquals("EHOSTUNREACH", ConnectErrors.errorType(new NoRouteToHostException()), "no message: by type");
    }

    @Test
    void reset() {
        assertEquals("ECONNRESET", ConnectErrors.errorType(new SocketException("Connection reset")));
        assertEquals("ECONNRESET", ConnectErrors.errorType(new SocketException("Connection reset by peer")));
    }

    @Test
    void fallbacks() {
        assertEquals("ECONNREFUSED", ConnectErrors.errorType(new ConnectException()), "no message: by type");
        assertEquals("closed", ConnectErrors.errorType(new ClosedChannelException()));
        assertEquals("java.net.SocketException", ConnectErrors.errorType(new SocketException("Protocol error")));
        assertEquals("java.io.IOException", ConnectErrors.errorType(new IOException()));
        assertEquals("java.lang.IllegalStateException", ConnectErrors.errorType(new IllegalStateException("x")));
    }

    @Test
    void failuresThatNeverReachedTheNetwork() {
        assertTrue(ConnectErrors.isNotAnAttempt(new UnknownHostException("no.such.host")));
        assertTrue(ConnectErrors.isNotAnAttempt(new UnresolvedAddressException()));
        assertTrue(ConnectErrors.isNotAnAttempt(new UnsupportedAddressTypeException()));
        assertTrue(ConnectErrors.isNotAnAttempt(new AlreadyConnectedException()));
        assertTrue(ConnectErrors.isNotAnAttempt(new ConnectionPendingException()));
        assertTrue(ConnectErrors.isNotAnAttempt(new IllegalArgumentException("port out of range")));
        assertTrue(ConnectErrors.isNotAnAttempt(new SecurityException()));
        assertTrue(ConnectErrors.isNotAnAttempt(new SocketException("already connected")));
        assertTrue(ConnectErrors.isNotAnAttempt(new SocketException("Socket is closed")));
    }

    @Test
    void realAttempts() {
        assertFalse(ConnectErrors.isNotAnAttempt(new ConnectException("Connection refused")));
        assertFalse(ConnectErrors.isNotAnAttempt(new BindException("Cannot assign requested address")));
        assertFalse(ConnectErrors.isNotAnAttempt(new SocketTimeoutException("Connect timed out")));
        assertFalse(ConnectErrors.isNotAnAttempt(new NoRouteToHostException("No route to host")));
        assertFalse(ConnectErrors.isNotAnAttempt(new SocketException()));
        assertFalse(ConnectErrors.isNotAnAttempt(new SocketException("Network is unreachable")));
    }

    @Test
    void whatCountsAsAReset() {
        assertTrue(ConnectErrors.isReset(new SocketException("Connection reset")));
        assertTrue(ConnectErrors.isReset(new SocketException("Connection reset by peer")));
        assertTrue(ConnectErrors.isReset(new IOException("Connection reset by peer")));
        assertFalse(ConnectErrors.isReset(new SocketException("Broken pipe")));
        assertFalse(ConnectErrors.isReset(new SocketTimeoutException("Read timed out")));
        assertFalse(ConnectErrors.isReset(new SocketException()));
    }
}
