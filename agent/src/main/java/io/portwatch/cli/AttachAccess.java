package io.portwatch.cli;

import java.nio.file.Path;

/**
 * Whether this command, run by this user on this Java, can attach to a process, and how; for
 * {@code attach} (a refusal in one line, saying why and what to do) and for {@code list} (a short
 * label). Decided from {@code /proc} alone, before anything is sent to the process.
 *
 * <p>Two ways in: portwatch's own client of HotSpot's attach protocol ({@link HotSpotAttach}),
 * which reaches the target's files through {@code /proc/PID/root} and so works whatever mount and
 * pid namespaces the target has, but needs Unix-domain sockets (Java 16+ running the command);
 * else the JDK's attach API, which finds the target's socket in our own /tmp, or through
 * {@code /proc/PID/root} only when the pid namespaces differ.
 */
final class AttachAccess {

    private final long myUid;
    private final long myGid;
    private final boolean unixSockets;
    private final Path agentJar;

    AttachAccess(long myUid, long myGid, boolean unixSockets, Path agentJar) {
        this.myUid = myUid;
        this.myGid = myGid;
        this.unixSockets = unixSockets;
        this.agentJar = agentJar;
    }

    /** Whether the attach goes through the JDK's attach API, because this Java has no Unix-domain sockets. */
    boolean viaJdkApi() {
        return !unixSockets;
    }

    /** Why this process must not or cannot be attached to, in one line; null when it can. */
    String refusal(JavaProcess target, long pid, TargetTmp tmp) {
        if (target == null) {
            return "no process with pid " + pid;
        }
        if (!target.jvm) {
            return "pid " + pid + " is not a Java process (" + String.join(" ", target.commandLine) + ")";
        }
        if (target.attachDisabled) {
            return "pid " + pid + " was started with -XX:+DisableAttachMechanism and cannot be attached to;"
                    + " restart it with -javaagent:" + agentJar + " instead";
        }
        if (anotherUser(target)) {
            return "pid " + pid + " belongs to another user (uid " + target.uid + "); the JVM only accepts"
                    + " an attach from its own user or root: run this command as that user (sudo -u '#" + target.uid
                    + "' java -jar " + agentJar + " attach " + pid + ") or as root";
        }
        if (anotherGroup(target)) {
            return "pid " + pid + " runs with group " + target.gid + " and this command with group " + myGid
                    + "; the JVM only accepts an attach from its own user and group, or root: run this command"
                    + " with its group (sg '#" + target.gid + "' ...) or as root";
        }
        if (target.javaVersion > 0 && target.javaVersion < 11) {
            return "pid " + pid + " runs Java " + target.javaVersion + "; portwatch needs Java 11 or later";
        }
        if (!target.handlesSigquit && !tmp.listening()) {
            // The attach listener starts on SIGQUIT; without a handler the signal ends the process.
            // A JVM with -Xrs starts its listener with it instead: its socket has been deleted since.
            return "pid " + pid + " has no SIGQUIT handler (started with -Xrs?) and no attach listener running;"
                    + " SIGQUIT would end it: restart it with -javaagent:" + agentJar;
        }
        if (viaJdkApi() && target.ownMountNamespace && !target.ownPidNamespace) {
            // The JDK's client looks through /proc/PID/root only across pid namespaces: here it
            // would look for the socket in our own /tmp and time out.
            return "pid " + pid + " has its own mount namespace, which only Java 16 or later can reach from here"
                    + " (Unix-domain sockets) and this is Java " + Runtime.version().feature()
                    + ": run this command with a newer java, or inside that namespace: nsenter -t " + pid
                    + " -m java -jar " + agentJar + " attach " + pid;
        }
        return null;
    }

    /** For {@code list}: "yes", or "no: " and the reason in a few words. */
    String label(JavaProcess p, TargetTmp tmp) {
        if (p.attachDisabled) return "no: attach disabled";
        if (anotherUser(p)) return "no: another user's";
        if (anotherGroup(p)) return "no: another group's";
        if (p.javaVersion > 0 && p.javaVersion < 11) return "no: Java " + p.javaVersion;
        if (!p.handlesSigquit && !tmp.listening()) return "no: no SIGQUIT handler";
        if (viaJdkApi() && p.ownMountNamespace && !p.ownPidNamespace) return "no: needs Java 16+ here";
        return "yes";
    }

    private boolean anotherUser(JavaProcess target) {
        return myUid != 0 && target.uid >= 0 && target.uid != myUid;
    }

    private boolean anotherGroup(JavaProcess target) {
        return myUid != 0 && myGid >= 0 && target.gid >= 0 && target.gid != myGid;
    }
}
