package io.portwatch.track;

import java.util.List;

/**
 * Asks the kernel about connections that just ended, before their spans go out: whether this host
 * holds their TIME_WAIT, and who really closed first. Called on the reporter thread only.
 */
public interface KernelCheck {

    /**
     * Given the ended connections waiting for the kernel's word, looks up the first {@code n} of
     * them (setting {@link ConnectionRecord#confirmByKernel}) and returns {@code n}, so the
     * reporter sends those on; 0 keeps them all waiting. Of the {@code n}, those the lookup left
     * for the next ({@link ConnectionRecord#awaitsAnotherRead}) stay, at the head of the list.
     * The caller only appends to the list, and removes the first {@code n} (but those) once told.
     * A lookup may run in the background: calls return 0 while it runs, and the first that finds
     * it done returns the records it took when it began.
     * It must not keep them waiting longer than a bound of its own; {@code force} (at exit) means
     * look up every record now, and return the list's size.
     */
    int check(List<ConnectionRecord> awaiting, long nowNanos, boolean force);

    /**
     * A connection the advice reported ended, as the reporter takes it from its queue: before it
     * waits for the kernel's word (its socket is closed by then). Called for every one, whether it
     * then waits or goes on unconfirmed.
     */
    default void endTaken(ConnectionRecord r) {
    }
}
