package io.portwatch.churnbudget;

import io.portwatch.kernel.IpAddress;
import io.portwatch.track.ConnectionRecord;

import java.net.InetAddress;

/**
 * Where a connection went, as a recording scope counts it: the host as the application named it
 * and the address it connected to, both {@code host:port}, so that a budget may name either. A
 * name resolving to several addresses gives one destination per address.
 *
 * <p>Built on the tracker thread, only while a scope is open; it never looks a name up, forward
 * or in reverse.
 */
final class ScopeDestination {

    /** The scope's key: both texts, for destinations that share a name but not an address. */
    final String key;
    /** {@code host:port} as the application named it; the address when it named none. */
    final String named;
    /** {@code address:port}; {@link #named} when the address is not known. */
    final String address;

    private ScopeDestination(String named, String address) {
        this.named = named;
        this.address = address;
        this.key = named.equals(address) ? named : named + " " + address;
    }

    /** One text for every destination past a scope's bound. */
    static ScopeDestination other(String text) {
        return new ScopeDestination(text, text);
    }

    static ScopeDestination of(ConnectionRecord r) {
        InetAddress peer = r.peerAddress();
        int port = r.peerPort();
        String address = peer == null ? null : IpAddress.hostPort(peer.getHostAddress(), port);
        String host = r.serverName() != null ? r.serverName() : nameWithin(peer);
        String named = host != null ? IpAddress.hostPort(host, port) : address != null ? address : "?:" + port;
        return new ScopeDestination(named, address == null ? named : address);
    }

    /**
     * The host name {@code address} was created with, or null. An {@code InetAddress} made from a
     * name ({@code new Socket("db", 5432)}, a driver's {@code getAllByName(urlHost)}) keeps it, and
     * {@code toString()} prints {@code name/address}, with nothing before the slash when it was made
     * from an address. Not {@code getHostName()}: for an address without a name, that is a reverse
     * DNS lookup.
     */
    static String nameWithin(InetAddress address) {
        if (address == null) {
            return null;
        }
        String text = address.toString();
        int slash = text.indexOf('/');
        return slash <= 0 ? null : text.substring(0, slash);
    }
}
