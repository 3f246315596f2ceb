package io.portwatch.it.workload;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * grpc-java on its shaded Netty ({@code grpc-netty-shaded}, whose epoll transport it uses on
 * Linux), client and server in this JVM on 127.0.0.1: N unary calls one after another, bounded in
 * count and time. The method is written by hand with a String marshaller, no generated stubs.
 * Usage: {@code GrpcChurnWorkload MODE N}, where MODE is
 * <ul>
 *   <li>{@code per-call}: a ManagedChannel built for each call and shut down after it, the churn:
 *       one connection per call, closed by this side;</li>
 *   <li>{@code shared}: one ManagedChannel for all calls, the cure: one connection, closed at
 *       the end.</li>
 * </ul>
 * Prints {@code server port P}, then {@code grpc done: <n> calls}.
 */
public final class GrpcChurnWorkload {

    private static final long MAX_SECONDS = 60;
    private static final CallOptions EACH_CALL = CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);

    /** Strings as UTF-8 bytes on the wire. */
    static final MethodDescriptor.Marshaller<String> TEXT = new MethodDescriptor.Marshaller<String>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("portwatch.Echo", "Say"))
            .setRequestMarshaller(TEXT)
            .setResponseMarshaller(TEXT)
            .build();

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        if (n > 1000) throw new IllegalArgumentException("at most 1000 calls: " + n);
        if (!mode.equals("per-call") && !mode.equals("shared")) throw new IllegalArgumentException("mode " + mode);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        Server server = NettyServerBuilder.forAddress(address)
                .addService(ServerServiceDefinition.builder("portwatch.Echo")
                        .addMethod(ECHO, ServerCalls.asyncUnaryCall((String request, StreamObserver<String> reply) -> {
                            reply.onNext("echo " + request);
                            reply.onCompleted();
                        }))
                        .build())
                .build()
                .start();
        // The server's start loaded the shaded epoll classes: portwatch's Netty advice installs now.
        LibraryAdvice.await(60);
        InetSocketAddress target = new InetSocketAddress(address.getAddress(), server.getPort());
        System.out.println("server port " + server.getPort());
        long deadline = System.nanoTime() + MAX_SECONDS * 1_000_000_000L;
        int calls = 0;
        try {
            ManagedChannel shared = mode.equals("shared") ? channel(target) : null;
            for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
                ManagedChannel channel = shared != null ? shared : channel(target);
                String reply = ClientCalls.blockingUnaryCall(channel, ECHO, EACH_CALL, "ping " + i);
                if (!reply.equals("echo ping " + i)) throw new IllegalStateException("reply " + reply);
                calls++;
                if (shared == null) close(channel);
            }
            if (shared != null) close(shared);
        } finally {
            server.shutdown();
            server.awaitTermination(10, TimeUnit.SECONDS);
        }
        // The kernel's word on the last connections comes about a second after their close.
        Thread.sleep(2_500);
        System.out.println("grpc done: " + calls + " calls");
    }

    private static ManagedChannel channel(InetSocketAddress target) {
        return NettyChannelBuilder.forAddress(target).usePlaintext().build();
    }

    private static void close(ManagedChannel channel) throws InterruptedException {
        channel.shutdown();
        if (!channel.awaitTermination(10, TimeUnit.SECONDS)) throw new IllegalStateException("channel not terminated");
    }
}
