package io.portwatch.cli;

import io.portwatch.budget.Destination;
import io.portwatch.budget.DestinationCounts;
import io.portwatch.budget.DestinationUsage;
import io.portwatch.budget.PortBudget;
import io.portwatch.budget.PortHolder;
import io.portwatch.budget.ReuseVerdict;
import io.portwatch.host.HolderScan;
import io.portwatch.hostrules.HostRules;
import io.portwatch.hostrules.RuleResult;
import io.portwatch.hostrules.Verdict;
import io.portwatch.kernel.KernelAccess;
import io.portwatch.kernel.Netstat;
import io.portwatch.kernel.ProcFs;
import io.portwatch.kernel.Sockstat;
import io.portwatch.kernel.Sysctls;
import io.portwatch.kernel.TcpTableReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code portwatch doctor}: checks this host's TCP settings and shows who holds its ephemeral ports,
 * from one reading of the kernel's tables. Needs no agent and no running application.
 *
 * <p>Prints a verdict per host-settings rule ({@link HostRules}) with its reason and fix, the
 * host's TIME_WAIT count, and the destinations holding the most ports.
 *
 * <p>Exit status: {@link #OK} (0) when no rule fails (warnings allowed), {@link #FAILED} (1) when a
 * rule fails, {@link #UNAVAILABLE} (2) when the kernel tables cannot be read (not Linux, or
 * {@code /proc/net/tcp} unreadable), {@link #USAGE} (3) for bad arguments.
 */
public final class Doctor {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int UNAVAILABLE = 2;
    public static final int USAGE = 3;

    /** Processes named per destination at most; the rest are counted. */
    private static final int NAMED_HOLDERS = 3;
    private static final String HELP = "usage: doctor [--root DIR] [--top N]\n"
        + "  --root DIR  read DIR/proc instead of /proc (a captured tree)\n"
        + "  --top N     show the N destinations holding the most ports (default 10)";

    private Doctor() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Path root = Paths.get("/");
        int top = 10;
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--root") && i + 1 < args.length) {
                    root = Paths.get(args[++i]);
                } else if (args[i].equals("--top") && i + 1 < args.length) {
                    top = Integer.parseInt(args[++i]);
                } else if (args[i].equals("--help") || args[i].equals("-h")) {
                    out.println(HELP);
                    return OK;
                } else {
                    err.println("doctor: unknown argument " + args[i] + "\n" + HELP);
                    return USAGE;
                }
            }
        } catch (NumberFormatException e) {
            err.println("doctor: --top needs a number\n" + HELP);
            return USAGE;
        }

        KernelAccess access = KernelAccess.check(System.getProperty("os.name", "unknown"), root);
        if (!access.available()) {
            err.println("[portwatch] doctor: " + access.reason());
            return UNAVAILABLE;
        }
        ProcFs fs = new ProcFs(root);
        Sysctls sysctls = fs.sysctls();
        Sockstat sockstat = null;
        Netstat netstat = null;
        try {
            sockstat = fs.sockstat();
        } catch (IOException e) {
            out.println("note: cannot read " + fs.proc("net/sockstat") + ": " + e.getMessage());
        }
        try {
            netstat = fs.netstat();
        } catch (IOException e) {
            out.println("note: cannot read " + fs.proc("net/netstat") + ": " + e.getMessage());
        }
        long timeWaitNow = sockstat == null ? -1 : sockstat.tcpTimeWait();
        long overflow = netstat == null ? -1 : netstat.timeWaitOverflow();

        List<RuleResult> results = HostRules.evaluate(sysctls, timeWaitNow, overflow, fs.conntrack());
        Verdict worst = HostRules.worst(results);
        out.println("portwatch doctor: " + what(fs) + " — " + worst + " (" + count(results, Verdict.FAIL)
            + " fail, " + count(results, Verdict.WARN) + " warn, " + count(results, Verdict.PASS) + " pass)");
        out.println();
        out.println("Host settings");
        for (RuleResult r : results) {
            out.printf(Locale.ROOT, "  %-4s  %s%n        %s%n", r.verdict(), r.rule(), r.reason());
            if (!r.fix().isEmpty()) {
                out.println("        fix: " + r.fix());
            }
        }
        out.println();

        PortBudget budget = PortBudget.of(sysctls);
        DestinationCounts counts = new DestinationCounts(budget.low(), budget.high());
        TcpTableReader reader = new TcpTableReader();
        try {
            fs.readTcpTables(reader, counts);
        } catch (IOException e) {
            out.println("note: cannot read the TCP tables: " + e.getMessage());
        }
        out.println("TIME_WAIT on this host: " + (timeWaitNow < 0 ? "unknown" : timeWaitNow) + " (sockstat tw); "
            + counts.hostTimeWait() + " in the tables; TCPTimeWaitOverflow: " + (overflow < 0 ? "unknown" : overflow));
        out.printf(Locale.ROOT, "Ephemeral ports: %s, %,d usable per destination; rows read: %d (%d malformed)%n",
            sysctls.hasPortRange() ? budget.low() + "-" + budget.high() : "unknown", budget.capacity(),
            reader.rows(), reader.badLines());
        out.println();
        List<DestinationUsage> busiest = counts.top(top);
        printTop(out, busiest, top, budget, sysctls);
        out.println();
        printHolders(out, fs, busiest);

        int status = worst == Verdict.FAIL ? FAILED : OK;
        out.println("Result: " + worst + (worst == Verdict.FAIL ? " — apply the fixes of the FAIL lines above" : "")
            + " (exit " + status + ")");
        return status;
    }

    private static void printTop(PrintStream out, List<DestinationUsage> top, int n, PortBudget budget,
                                 Sysctls sysctls) {
        out.println("Top " + n + " destinations by ports held (outgoing: local port in the ephemeral range)");
        if (top.isEmpty()) {
            out.println("  (none)");
            return;
        }
        out.printf(Locale.ROOT, "  %-40s %-16s %11s %9s %5s %8s %6s  %s%n",
            "DESTINATION", "FROM", "ESTABLISHED", "TIME_WAIT", "OTHER", "CAPACITY", "SHARE", "TW REUSE");
        for (DestinationUsage u : top) {
            ReuseVerdict reuse = ReuseVerdict.evaluate(sysctls, u.destination().isLoopback());
            double share = budget.capacity() <= 0 ? 1 : (double) u.held() / budget.capacity();
            out.printf(Locale.ROOT, "  %-40s %-16s %11d %9d %5d %8d %5.1f%%  %s%n",
                u.destination().remote(), u.destination().local(), u.established(), u.timeWait(), u.other(),
                budget.capacity(), 100 * share, reuse.effective() ? "yes" : "no");
        }
    }

    /**
     * The processes holding the open ports of the destinations listed, where this user may read
     * their {@code /proc/PID/fd}: a TIME_WAIT belongs to no process any more, so only the open ones
     * name their holder. Nothing printed when none of them has an open port.
     */
    private static void printHolders(PrintStream out, ProcFs fs, List<DestinationUsage> busiest) {
        List<Destination> open = new ArrayList<>();
        for (DestinationUsage u : busiest) {
            if (u.established() + u.other() > 0) open.add(u.destination());
        }
        if (open.isEmpty()) return;
        Map<Destination, List<PortHolder>> holders;
        try {
            holders = HolderScan.once(fs, open, problem -> out.println("note: " + problem));
        } catch (IOException e) {
            out.println("note: cannot read the TCP tables again to name the processes holding ports: " + e.getMessage());
            return;
        }
        out.println("Processes holding their open ports (/proc/PID/fd, as far as this user may read it)");
        for (Destination d : open) {
            List<PortHolder> named = holders.getOrDefault(d, Collections.emptyList());
            StringBuilder line = new StringBuilder();
            for (PortHolder h : named.subList(0, Math.min(NAMED_HOLDERS, named.size()))) {
                line.append(line.length() == 0 ? "" : ", ").append(h.name()).append(' ').append(h.openPorts);
            }
            if (named.size() > NAMED_HOLDERS) line.append(", and ").append(named.size() - NAMED_HOLDERS).append(" more");
            out.printf(Locale.ROOT, "  %-40s %s%n", d.remote(), line.length() == 0 ? "(none found)" : line);
        }
        out.println();
    }

    private static int count(List<RuleResult> results, Verdict v) {
        int n = 0;
        for (RuleResult r : results) {
            if (r.verdict() == v) {
                n++;
            }
        }
        return n;
    }

    /**
     * What was read: this host's network namespace (its inode: each container or namespace has its
     * own tables and settings), or the {@code /proc} copy under another root.
     */
    static String what(ProcFs fs) {
        if (!fs.root().toString().equals("/")) return "the /proc under " + fs.root();
        String id = fs.netnsId();
        String inode = id.substring(0, id.indexOf('@'));
        return "this host, network namespace " + (inode.equals("unknown") ? "(unknown)" : "net:[" + inode + "]");
    }
}
