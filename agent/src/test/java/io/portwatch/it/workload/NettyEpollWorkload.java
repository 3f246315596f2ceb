package io.portwatch.it.workload;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Loopback workloads on Netty's native epoll transport (its NIO one in the {@code nio} mode, its
 * io_uring one with {@code io_uring}), for a child JVM with the agent. Compiled against Netty 4.2,
 * using only what 4.1 has too outside {@link IoUringTransport} ({@code EpollEventLoopGroup} is
 * deprecated in 4.2, not gone), so that one class runs on either version's jars for epoll. Each
 * mode makes {@code N} connections one after another, each bounded in time, and prints the
 * server's port and "done". Usage: {@code NettyEpollWorkload MODE HOST N [nowait] [io_uring]}:
 * with {@code nowait} it does not wait for portwatch's library instrumentation (when it is
 * switched off); with {@code io_uring} it runs on io_uring, or prints {@code io_uring unavailable:}
 * and the cause, and stops.
 */
public final class NettyEpollWorkload {

    private static final long TIMEOUT_SECONDS = 30;
    private static final int ONE_BYTE = 1;
    /** What the workload prints, and stops, where the kernel refuses io_uring. */
    public static final String IO_URING_UNAVAILABLE = "io_uring unavailable: ";

    /** The transport's classes; each in a class of its own, so that io_uring's (4.2's alone) load only when used. */
    interface Transport {
        EventLoopGroup group(int threads);

        Class<? extends Channel> client();

        Class<? extends ServerChannel> server();

        ChannelOption<Boolean> fastOpenConnect();
    }

    static final class EpollTransport implements Transport {
        @Override public EventLoopGroup group(int threads) { return new EpollEventLoopGroup(threads); }
        @Override public Class<? extends Channel> client() { return EpollSocketChannel.class; }
        @Override public Class<? extends ServerChannel> server() { return EpollServerSocketChannel.class; }
        @Override public ChannelOption<Boolean> fastOpenConnect() { return EpollChannelOption.TCP_FASTOPEN_CONNECT; }
    }

    static final class NioTransport implements Transport {
        @Override public EventLoopGroup group(int threads) { return new NioEventLoopGroup(threads); }
        @Override public Class<? extends Channel> client() { return NioSocketChannel.class; }
        @Override public Class<? extends ServerChannel> server() { return NioServerSocketChannel.class; }
        @Override public ChannelOption<Boolean> fastOpenConnect() { return ChannelOption.TCP_FASTOPEN_CONNECT; }
    }

    static final class IoUringTransport implements Transport {
        @Override public EventLoopGroup group(int threads) {
            return new MultiThreadIoEventLoopGroup(threads, IoUringIoHandler.newFactory());
        }
        @Override public Class<? extends Channel> client() { return IoUringSocketChannel.class; }
        @Override public Class<? extends ServerChannel> server() { return IoUringServerSocketChannel.class; }
        @Override public ChannelOption<Boolean> fastOpenConnect() { return ChannelOption.TCP_FASTOPEN_CONNECT; }

        /** Null where io_uring works, else why not (the kernel or a seccomp filter refusing it). */
        static String unavailable() {
            return IoUring.isAvailable() ? null : String.valueOf(IoUring.unavailabilityCause());
        }

        static boolean fastOpenClient() {
            return IoUring.isTcpFastOpenClientSideAvailable();
        }
    }

    private static Transport transport;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        InetAddress host = InetAddress.getByName(args[1]);
        int n = Integer.parseInt(args[2]);
        List<String> options = Arrays.asList(args).subList(3, args.length);
        if (options.contains("io_uring")) {
            // Loads the io_uring classes: portwatch's install starts.
            String cause = IoUringTransport.unavailable();
            if (cause != null) {
                System.out.println(IO_URING_UNAVAILABLE + cause);
                return;
            }
            System.out.println("netty io_uring available; tcp fast open client: " + IoUringTransport.fastOpenClient());
            transport = new IoUringTransport();
        } else {
            // Loads the epoll classes, in the NIO mode too: portwatch's install starts, and NIO then runs
            // with the Netty instrumentation in place.
            Epoll.ensureAvailability();
            System.out.println("netty epoll available; tcp fast open client: " + Epoll.isTcpFastOpenClientSideAvailable());
            transport = mode.equals("nio") ? new NioTransport() : new EpollTransport();
        }
        if (!options.contains("nowait")) {
            LibraryAdvice.await(60);
        }
        EventLoopGroup group = transport.group(2);
        try {
            switch (mode) {
                case "client-close":
                case "nio": clientCloses(group, host, n); break;
                case "server-close": serverCloses(group, host, n); break;
                case "half-close": halfCloses(group, host, n); break;
                case "linger": lingerZero(group, host, n); break;
                case "fast-open": fastOpen(group, host, n); break;
                case "refused": refused(group, host); break;
                default: throw new IllegalArgumentException("unknown mode " + mode);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        // The kernel's word on the last connections comes about a second after their close.
        Thread.sleep(2_500);
        System.out.println("workload " + mode + " done");
    }

    /** The client writes a byte and closes; the server reads to end-of-stream and closes (Netty's default). */
    static void clientCloses(EventLoopGroup group, InetAddress host, int n) throws Exception {
        Server server = new Server(group, host, n, new Discard());
        Bootstrap client = client(group);
        for (int i = 0; i < n; i++) {
            Channel ch = client.connect(host, server.port).sync().channel(); // the call site
            ch.writeAndFlush(oneByte()).sync();
            ch.close().sync();
        }
        server.awaitClosed();
    }

    /** The server writes a byte and closes; the client reads to end-of-stream and closes. */
    static void serverCloses(EventLoopGroup group, InetAddress host, int n) throws Exception {
        Server server = new Server(group, host, n, new WriteAndClose());
        Bootstrap client = client(group);
        for (int i = 0; i < n; i++) {
            Channel ch = client.connect(host, server.port).sync().channel();
            ch.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        server.awaitClosed();
    }

    /** The client shuts its output down (its FIN first), reads the server's end-of-stream, then closes. */
    static void halfCloses(EventLoopGroup group, InetAddress host, int n) throws Exception {
        Server server = new Server(group, host, n, new Discard());
        Bootstrap client = client(group).option(ChannelOption.ALLOW_HALF_CLOSURE, true);
        for (int i = 0; i < n; i++) {
            DuplexChannel ch = (DuplexChannel) client.connect(host, server.port).sync().channel();
            ch.writeAndFlush(oneByte()).sync();
            ch.shutdownOutput().sync();
            server.awaitClosedAtLeast(i + 1);
            ch.close().sync();
        }
        server.awaitClosed();
    }

    /** The client sets SO_LINGER 0 and closes: RST; the server's read sees the reset. */
    static void lingerZero(EventLoopGroup group, InetAddress host, int n) throws Exception {
        Server server = new Server(group, host, n, new Discard());
        Bootstrap client = client(group).option(ChannelOption.SO_LINGER, 0);
        for (int i = 0; i < n; i++) {
            Channel ch = client.connect(host, server.port).sync().channel();
            ch.writeAndFlush(oneByte()).sync();
            server.awaitRead(i + 1); // reset after the server has the byte, not inside its accept
            ch.close().sync();
        }
        server.awaitClosed();
    }

    /**
     * TCP Fast Open: the first bytes are written before the connect, so that the connect sends them
     * with its SYN ({@code sendto(MSG_FASTOPEN)}); without a cookie, or where the server side does not
     * take it, the kernel makes an ordinary connect of it. The client closes first.
     */
    static void fastOpen(EventLoopGroup group, InetAddress host, int n) throws Exception {
        Server server = new Server(group, host, n, new Discard());
        Bootstrap client = client(group).option(transport.fastOpenConnect(), true);
        for (int i = 0; i < n; i++) {
            Channel ch = client.register().sync().channel();
            ch.write(oneByte());
            ch.connect(new InetSocketAddress(host, server.port)).sync();
            ch.flush();
            server.awaitRead(i + 1);
            ch.close().sync();
        }
        server.awaitClosed();
    }

    /** A connect to a port nobody listens on. */
    static void refused(EventLoopGroup group, InetAddress host) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, host)) {
            port = probe.getLocalPort();
        }
        Throwable cause = client(group).connect(host, port).await().cause();
        System.out.println("refused port " + port + ": " + cause);
    }

    private static Bootstrap client(EventLoopGroup group) {
        return new Bootstrap().group(group).channel(transport.client()).handler(new Discard());
    }

    private static ByteBuf oneByte() {
        return Unpooled.wrappedBuffer(new byte[]{ONE_BYTE});
    }

    /** Reads and drops what comes; Netty closes the channel at end-of-stream unless half-closure is allowed. */
    @ChannelHandler.Sharable
    static class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset: expected in the linger mode
        }
    }

    /** Writes a byte to each new connection and closes it. */
    @ChannelHandler.Sharable
    static class WriteAndClose extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(oneByte()).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** A server bound to a free port of {@code host}, counting the reads and closes of its {@code n} connections. */
    static final class Server {
        final int port;
        private final CountDownLatch closed;
        private final AtomicInteger reads = new AtomicInteger();
        private final AtomicInteger closes = new AtomicInteger();

        Server(EventLoopGroup group, InetAddress host, int n, ChannelHandler handler) throws Exception {
            closed = new CountDownLatch(n);
            Channel server = new ServerBootstrap().group(group).channel(transport.server())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new Counter(), handler);
                        }
                    })
                    .bind(host, 0).sync().channel();
            port = ((InetSocketAddress) server.localAddress()).getPort();
            System.out.println("server port " + port);
        }

        /** Counts the reads and the closes of the server's connections, before its handler sees them. */
        private final class Counter extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                reads.incrementAndGet();
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                closes.incrementAndGet();
                closed.countDown();
                ctx.fireChannelInactive();
            }
        }

        void awaitRead(int count) throws InterruptedException {
            await(() -> reads.get() >= count, "read " + count);
        }

        void awaitClosedAtLeast(int count) throws InterruptedException {
            await(() -> closes.get() >= count, "closed " + count);
        }

        void awaitClosed() throws InterruptedException {
            if (!closed.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server's connections did not all close: " + closed.getCount() + " left");
            }
        }

        private static void await(BooleanSupplier done, String what) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            while (!done.getAsBoolean()) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("timed out waiting for the server to have " + what);
                Thread.sleep(1);
            }
        }
    }
}
