package io.portwatch.track;

/**
 * One thread's most recent stack walks, by what they were for: a destination (a socket's call
 * site) or a JDBC URL (a driver connect's origin). A walk costs its thread 5–10 µs and 2–6 KB of
 * garbage, more than everything else the agent does per connection put together, and a thread
 * that opens connections to one destination over and over almost always does it from the same
 * line. So each entry lets its thread walk for every connection while it makes few (a burst of
 * {@link #BURST}), then {@link #REFILLS_PER_SECOND} times a second; in between, a connection takes
 * the answer of the entry's last walk. A test or a small job is walked connection by connection;
 * a loop churning thousands a second costs a few walks a second.
 *
 * <p>Owned by one thread (held in a {@code ThreadLocal}): no synchronisation. Its entries are
 * allocated with it, once per thread, so a connection allocates nothing here. An entry keeps its
 * last answer (a stack frame, which refers to the frame's class) until the thread ends or the
 * entry is taken for another key.
 */
final class RecentWalks {

    /** Walks an entry allows at once: the first connections of a thread toward a destination. */
    static final int BURST = 64;
    /** Walks an entry regains per second once its burst is spent. */
    static final int REFILLS_PER_SECOND = 4;
    /** Keys one thread remembers; a thread with more, round robin, walks a little more often. */
    static final int SIZE = 8;

    private static final long NANOS_PER_REFILL = 1_000_000_000L / REFILLS_PER_SECOND;

    /** One key's walk budget and last answer. */
    static final class Entry {
        Object key;
        /**
         * The last walk's answer: a {@code StackWalker.StackFrame} (a {@link LibraryFrame} when the
         * walk passed a library) or a {@code CallSites.Origin}; null if none found.
         */
        Object answer;
        /** Whether a walk was ever made for this key on this thread: without one, {@link #answer} means nothing. */
        boolean walked;
        private int walks;
        private long refilledAt;

        /**
         * True, and one walk spent, when this key may walk now; false when the connection should
         * take {@link #answer}.
         */
        boolean mayWalk(long nowNanos) {
            if (walks == 0) {
                long refills = (nowNanos - refilledAt) / NANOS_PER_REFILL;
                if (refills <= 0) return false;
                walks = (int) Math.min(BURST, refills);
                refilledAt = walks == BURST ? nowNanos : refilledAt + refills * NANOS_PER_REFILL;
            }
            walks--;
            return true;
        }

        void walked(Object answer) {
            this.answer = answer;
            walked = true;
        }

        private void reset(Object key, long nowNanos) {
            this.key = key;
            answer = null;
            walked = false;
            walks = BURST;
            refilledAt = nowNanos;
        }
    }

    private final Entry[] entries = new Entry[SIZE];
    private int next;

    RecentWalks() {
        for (int i = 0; i < SIZE; i++) {
            entries[i] = new Entry();
        }
    }

    /** The entry for {@code key}, made afresh (in place of the oldest made) if there is none. */
    Entry entry(Object key, long nowNanos) {
        for (Entry e : entries) {
            if (e.key != null && e.key.equals(key)) return e;
        }
        Entry e = entries[next];
        next = (next + 1) % SIZE;
        e.reset(key, nowNanos);
        return e;
    }
}
