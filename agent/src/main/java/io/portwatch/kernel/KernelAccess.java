package io.portwatch.kernel;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * Whether the kernel's tables can be read here, and if not, one line saying why. The agent prints
 * the reason once and carries on with JVM-side tracking only (the agent never stops over a part that cannot work).
 */
public final class KernelAccess {

    private final boolean available;
    private final String reason;

    private KernelAccess(boolean available, String reason) {
        this.available = available;
        this.reason = reason;
    }

    /** This host: {@code os.name} and the root {@code /}. */
    public static KernelAccess check() {
        return check(System.getProperty("os.name", "unknown"), Paths.get("/"));
    }

    /**
     * @param osName the {@code os.name} to judge; it only matters for the live root {@code /}, so a
     *     fixture tree can be read anywhere
     * @param root where {@code proc/} lives
     */
    public static KernelAccess check(String osName, Path root) {
        boolean liveRoot = root.toAbsolutePath().normalize().getParent() == null;
        if (liveRoot && !osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return new KernelAccess(false, "kernel tables are Linux-only and this is " + osName
                + ": no port budget or TIME_WAIT figures; JVM-side tracking goes on");
        }
        Path tcp = new ProcFs(root).tcp();
        try (FileInputStream in = new FileInputStream(tcp.toFile())) {
            in.read();
        } catch (IOException | SecurityException e) {
            return new KernelAccess(false, "cannot read " + tcp + " (" + e.getMessage()
                + "): no port budget or TIME_WAIT figures; JVM-side tracking goes on");
        }
        return new KernelAccess(true, "");
    }

    public boolean available() {
        return available;
    }

    /** Why not, in one line; empty when available. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return available ? "kernel tables available" : reason;
    }
}
