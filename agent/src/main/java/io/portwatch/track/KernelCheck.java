package io.portwatch.track;

import java.util.List;

/**
 * Asks the kernel about connections that just ended, before their spans go out: whether this host
 * holds their TIME_WAIT, and who really closed first. Called on the tracker thread only.
 */
public interface KernelCheck {

    /**
     * Given the ended connections waiting for the kernel's word, either looks them up (setting
     * {@link ConnectionRecord#confirmByKernel}) and returns true, so the tracker sends them on;
     * or returns false to keep them waiting until a later call. It must not keep them waiting
     * longer than a bound of its own; {@code force} (at exit) means look now.
     */
    boolean check(List<ConnectionRecord> awaiting, long nowNanos, boolean force);
}
