package io.portwatch.track;

/**
 * Netty's classes by their name inside Netty, so that a shaded copy is found like the original:
 * {@code io.netty.channel.epoll.EpollSocketChannel} and
 * {@code io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel} are both
 * {@code channel.epoll.EpollSocketChannel}. A copy shaded under another name than
 * {@code <prefix>.io.netty.} (one that renames {@code io.netty} itself) is not recognised.
 */
public final class NettyNames {

    /** Built from parts, so that a build relocating {@code io.netty} cannot rewrite it. */
    private static final String ROOT = String.join(".", "io", "netty", "");
    private static final String ROOT_INTERNAL = ROOT.replace('.', '/');
    private static final String CHANNEL_INTERNAL = ROOT_INTERNAL + "channel/";

    private NettyNames() {}

    /** The name inside Netty of a binary class name ({@code channel.epoll.Epoll}), or null for any other class. */
    public static String relative(String className) {
        int at = rootAt(className, ROOT);
        return at < 0 ? null : className.substring(at + ROOT.length());
    }

    /** The package prefix of a Netty class's copy of Netty, e.g. {@code io.netty.} or {@code a.shaded.io.netty.}. */
    static String root(String className) {
        int at = rootAt(className, ROOT);
        return at < 0 ? null : className.substring(0, at + ROOT.length());
    }

    /**
     * True for a class of Netty's native epoll or io_uring transport, by its internal name
     * ({@code io/netty/channel/epoll/Epoll}, {@code io/netty/channel/uring/IoUring}).
     */
    public static boolean isNativeTransportClass(String internalName) {
        int at = rootAt(internalName, CHANNEL_INTERNAL);
        if (at < 0) {
            return false;
        }
        int transport = at + CHANNEL_INTERNAL.length();
        return internalName.startsWith("epoll/", transport) || internalName.startsWith("uring/", transport);
    }

    /** Where {@code root} starts in {@code name}: at its start or after a package separator; -1 when absent. */
    private static int rootAt(String name, String root) {
        int at = name.indexOf(root);
        while (at > 0 && name.charAt(at - 1) != '.' && name.charAt(at - 1) != '/') {
            at = name.indexOf(root, at + 1);
        }
        return at;
    }
}
