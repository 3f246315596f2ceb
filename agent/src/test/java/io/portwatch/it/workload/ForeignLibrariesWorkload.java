package io.portwatch.it.workload;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application with its own Byte Buddy and OpenTelemetry SDK on its class path (other versions
 * than the agent's): it generates a class with Byte Buddy, records a span with its own SDK, and
 * makes N loopback connections. Prints the versions it got and what each library did. Usage:
 * {@code ForeignLibrariesWorkload N}.
 */
public final class ForeignLibrariesWorkload {

    public static void main(String[] args) throws Exception {
        Class<?> generated = new ByteBuddy().subclass(Object.class)
                .method(ElementMatchers.named("toString")).intercept(FixedValue.value("made by the application's Byte Buddy"))
                .make().load(ForeignLibrariesWorkload.class.getClassLoader()).getLoaded();
        System.out.println(generated.getDeclaredConstructor().newInstance());
        System.out.println("byte buddy from " + where(ByteBuddy.class));

        AtomicInteger exported = new AtomicInteger();
        SpanExporter counting = new SpanExporter() {
            @Override public CompletableResultCode export(Collection<SpanData> spans) {
                exported.addAndGet(spans.size());
                return CompletableResultCode.ofSuccess();
            }
            @Override public CompletableResultCode flush() { return CompletableResultCode.ofSuccess(); }
            @Override public CompletableResultCode shutdown() { return CompletableResultCode.ofSuccess(); }
        };
        SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(counting)).build();
        Span span = tracing.get("app").spanBuilder("application work").startSpan();
        span.end();
        tracing.shutdown();
        System.out.println("application spans exported: " + exported.get());
        System.out.println("opentelemetry sdk from " + where(SdkTracerProvider.class));

        int n = Integer.parseInt(args[0]);
        InetAddress host = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 50, host)) {
            for (int i = 0; i < n; i++) {
                try (Socket s = new Socket(host, server.getLocalPort()); Socket a = server.accept()) {
                    s.getOutputStream().write(1);
                }
            }
        }
        System.out.println("connections: " + n);
    }

    private static String where(Class<?> type) {
        String path = type.getProtectionDomain().getCodeSource().getLocation().getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
