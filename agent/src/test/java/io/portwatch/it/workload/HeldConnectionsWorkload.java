package io.portwatch.it.workload;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Netty epoll connections on loopback held open a while, in waves, for the kernel catch-all, which
 * sees a connection only when a periodic read of the tables lists it: {@code N} connections,
 * {@code W} at a time, each held {@code HOLD} ms (longer than the agent's reads are apart), then
 * closed by the client ({@code client-close}: it closes, the server reads end-of-stream and
 * closes) or by the server ({@code server-close}). Prints the server's port and "done".
 * Usage: {@code HeldConnectionsWorkload MODE N W HOLD_MS [wait]}: with {@code wait} it waits for
 * portwatch's library instrumentation first (when it is on).
 */
public final class HeldConnectionsWorkload {

    private static final long TIMEOUT_SECONDS = 30;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        int wave = Integer.parseInt(args[2]);
        long holdMillis = Long.parseLong(args[3]);
        boolean serverCloses = mode.equals("server-close");
        Epoll.ensureAvailability();
        if (args.length > 4 && args[4].equals("wait")) {
            LibraryAdvice.await(60);
        }
        InetAddress host = InetAddress.getByName("127.0.0.1");
        EventLoopGroup group = new EpollEventLoopGroup(2);
        CountDownLatch serverClosed = new CountDownLatch(n);
        ConcurrentLinkedQueue<Channel> accepted = new ConcurrentLinkedQueue<>();
        try {
            Channel server = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            accepted.add(ch);
                            ch.closeFuture().addListener(f -> serverClosed.countDown());
                            ch.pipeline().addLast(new Discard());
                        }
                    })
                    .bind(host, 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            System.out.println("server port " + port);
            Bootstrap client = new Bootstrap().group(group).channel(EpollSocketChannel.class).handler(new Discard());
            for (int done = 0; done < n; ) {
                int size = Math.min(wave, n - done);
                List<Channel> open = new ArrayList<>();
                for (int i = 0; i < size; i++) {
                    Channel ch = client.connect(host, port).sync().channel();
                    ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[]{1})).sync();
                    open.add(ch);
                }
                Thread.sleep(holdMillis);
                if (serverCloses) {
                    for (int i = 0; i < size; i++) awaitAccepted(accepted).close().sync();
                    for (Channel ch : open) ch.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS); // end-of-stream
                } else {
                    for (Channel ch : open) ch.close().sync();
                }
                done += size;
            }
            if (!serverClosed.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(serverClosed.getCount() + " server connections still open");
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        // The catch-all sees an end at the first read after it: wait for two.
        Thread.sleep(3_000);
        System.out.println("workload " + mode + " done");
    }

    private static Channel awaitAccepted(ConcurrentLinkedQueue<Channel> accepted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        Channel ch;
        while ((ch = accepted.poll()) == null) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("no accepted connection to close");
            Thread.sleep(1);
        }
        return ch;
    }

    /** Reads and drops what comes; Netty closes the channel at end-of-stream. */
    @ChannelHandler.Sharable
    static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
