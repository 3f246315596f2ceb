package io.portwatch.otel;

import io.portwatch.track.AgentThreads;

import java.util.regex.Pattern;

/**
 * The selector threads of the exporter's JDK {@code HttpClient}s (one client per signal). Each
 * waits in {@code epoll_wait}, a native call, and HotSpot's exit waits up to 300 ms for threads
 * in native code to return: measured, a hello-world with one idle client exits 0.3 s later on
 * JDK 17 and 25. The JDK 21+ client is closed by the SDK's shutdown, which ends its thread; the
 * JDK 11-20 client has no {@code close()}, and its selector thread ends only when interrupted.
 */
final class HttpClientSelectors {

    /** {@code jdk.internal.net.http.HttpClientImpl.SelectorManager}'s name, the same from JDK 11 to 25. */
    private static final Pattern NAME = Pattern.compile("HttpClient-\\d+-SelectorManager");

    private HttpClientSelectors() {}

    /**
     * Ends the selector threads of the agent's own clients, once the SDK has shut down and no
     * export is left to send: an interrupt ends the thread's loop, which closes the client.
     * Threads outside the agent's group (the application's own clients) are never touched.
     */
    static void end() {
        Thread[] threads = new Thread[AgentThreads.GROUP.activeCount() + 8];
        int n = AgentThreads.GROUP.enumerate(threads, true);
        for (int i = 0; i < n; i++) {
            if (NAME.matcher(threads[i].getName()).matches()) threads[i].interrupt();
        }
    }
}
