package io.portwatch.budget;

/**
 * Another process holding open ports toward a destination, found by its sockets' inodes in
 * {@code /proc/PID/fd}: its pid, its command ({@code /proc/PID/comm}; null when unreadable) and how
 * many of the open ports it holds. Immutable.
 */
public final class PortHolder {

    public final int pid;
    public final String command;
    public final int openPorts;

    public PortHolder(int pid, String command, int openPorts) {
        this.pid = pid;
        this.command = command;
        this.openPorts = openPorts;
    }

    /** {@code process 4711 (python3)}, or {@code process 4711} when its command is not known. */
    public String name() {
        return "process " + pid + (command == null ? "" : " (" + command + ")");
    }

    @Override
    public String toString() {
        return name() + " " + openPorts;
    }
}
