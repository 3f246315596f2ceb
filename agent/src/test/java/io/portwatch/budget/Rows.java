package io.portwatch.budget;

import io.portwatch.kernel.IpAddress;
import io.portwatch.kernel.TcpRow;

/** Hand-made table rows for budget tests. */
final class Rows {

    private Rows() {}

    static TcpRow v4(int local, int localPort, int remote, int remotePort, int state) {
        TcpRow r = new TcpRow();
        r.localHi = 0;
        r.localLo = IpAddress.v4Lo(local);
        r.localPort = localPort;
        r.remoteHi = 0;
        r.remoteLo = IpAddress.v4Lo(remote);
        r.remotePort = remotePort;
        r.state = state;
        return r;
    }

    static Destination dest(int local, int remote, int remotePort) {
        return new Destination(0, IpAddress.v4Lo(local), 0, IpAddress.v4Lo(remote), remotePort);
    }

    static void feed(DestinationCounts counts, TcpRow... rows) {
        for (TcpRow r : rows) {
            counts.row(r);
        }
    }
}
