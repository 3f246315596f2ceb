package io.portwatch.it;

import java.nio.file.Path;
import java.util.List;

/**
 * Netty 4.2's io_uring transport end to end: the checks every native transport must pass
 * ({@link NettyTransportChecks}), on 4.2's jars (4.1 has no io_uring). Where the kernel, or a
 * seccomp filter, refuses io_uring, each test is skipped with the cause Netty gives.
 */
class NettyIoUringTrackingIT extends NettyTransportChecks {

    @Override
    String api() {
        return "netty_io_uring";
    }

    @Override
    List<String> transportOptions() {
        return List.of("io_uring");
    }

    @Override
    String classNamePart() {
        return "IoUring";
    }

    /** The newest Netty's, 4.2: the last directory. */
    @Override
    List<Path> nettyWithTransport() {
        List<Path> dirs = nettyDirs();
        return List.of(dirs.get(dirs.size() - 1));
    }
}
