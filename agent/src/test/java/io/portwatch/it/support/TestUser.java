package io.portwatch.it.support;

import java.io.IOException;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A system user for the tests that need a process of another user: {@value #NAME}, created with
 * {@code useradd} when it does not exist (no home, no login shell, a group of its own) and deleted
 * again by {@link #close()} when this created it; one that was already there (made by
 * {@code .ci/run}, or by hand) is used and left. Skips the test, saying why, when it cannot be had.
 */
public final class TestUser implements AutoCloseable {

    static final String NAME = "portwatch-it";

    public final long uid;
    public final long gid;
    private final boolean created;

    private TestUser(long uid, long gid, boolean created) {
        this.uid = uid;
        this.gid = gid;
        this.created = created;
    }

    /** The user, made if needed; needs root. */
    public static TestUser ensure() throws IOException, InterruptedException {
        boolean created = false;
        if (NetNs.run(10, "id", "-u", NAME).exitCode != 0) {
            NetNs.Exec add = NetNs.run(30, "useradd", "--system", "--no-create-home", "--user-group",
                    "--shell", "/usr/sbin/nologin", NAME);
            assumeTrue(add.exitCode == 0, "needs a user other than root (" + NAME + "): useradd failed: " + add
                    + " (.ci/run may create it: useradd --system --user-group " + NAME + ")");
            created = true;
        }
        long uid = Long.parseLong(NetNs.run(10, "id", "-u", NAME).output.trim());
        long gid = Long.parseLong(NetNs.run(10, "id", "-g", NAME).output.trim());
        return new TestUser(uid, gid, created);
    }

    /** Words that run a command as this user, with its group only. */
    public String[] runAs() {
        return new String[] {"setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"};
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (!created) return;
        NetNs.Exec del = NetNs.run(30, "userdel", NAME);
        if (del.exitCode != 0) System.err.println("could not delete test user " + NAME + ": " + del);
        // Its JVMs' performance-data folder, which would stay with the number of a user that is gone.
        NetNs.run(30, "rm", "-rf", "/tmp/hsperfdata_" + NAME);
    }
}
