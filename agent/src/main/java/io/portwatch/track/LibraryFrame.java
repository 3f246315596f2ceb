package io.portwatch.track;

import java.lang.invoke.MethodType;

/**
 * A call site's frame, with the trail ({@link FramePrefixes#pass}) of the frames its walk passed
 * between it and the socket: the client library and whether a pool. It rides where the bare frame
 * did (the ring's events, a thread's last answer) to the tracker thread, which resolves it into a
 * {@link CallSite} carrying the library. The frame is null when the stack held no application
 * frame but did hold a library's (the JDK HttpClient connects on its own worker threads).
 *
 * <p>A walk whose answer is the same code location with the same trail as the thread's last one
 * takes the last one's object ({@link #of}), so a thread that churns from one line allocates
 * nothing here after its first walk.
 */
final class LibraryFrame implements StackWalker.StackFrame {

    final StackWalker.StackFrame frame;
    final int trail;

    private LibraryFrame(StackWalker.StackFrame frame, int trail) {
        this.frame = frame;
        this.trail = trail;
    }

    /**
     * What a walk answers: the bare frame (or null) when it passed no library or pool, null when
     * it found neither an application frame nor a library; else
     * {@code previous} when that is the same answer already; else a new one.
     */
    static StackWalker.StackFrame of(Object previous, StackWalker.StackFrame frame, int trail) {
        if (trail == 0) return frame;
        if (frame == null && FramePrefixes.library(trail) == null) return null; // a pool's thread: nothing to name
        if (previous instanceof LibraryFrame) {
            LibraryFrame p = (LibraryFrame) previous;
            if (p.trail == trail && sameCode(p.frame, frame)) return p;
        }
        return new LibraryFrame(frame, trail);
    }

    private static boolean sameCode(StackWalker.StackFrame a, StackWalker.StackFrame b) {
        if (a == null || b == null) return a == b;
        return a.getByteCodeIndex() == b.getByteCodeIndex() && a.getClassName().equals(b.getClassName())
                && a.getMethodName().equals(b.getMethodName());
    }

    // The agent reads only frame and trail; the rest answer for a frame-less one without failing.

    @Override
    public String getClassName() {
        return frame == null ? "" : frame.getClassName();
    }

    @Override
    public String getMethodName() {
        return frame == null ? "" : frame.getMethodName();
    }

    @Override
    public Class<?> getDeclaringClass() {
        if (frame == null) throw new UnsupportedOperationException("no application frame");
        return frame.getDeclaringClass();
    }

    @Override
    public MethodType getMethodType() {
        if (frame == null) throw new UnsupportedOperationException("no application frame");
        return frame.getMethodType();
    }

    @Override
    public String getDescriptor() {
        if (frame == null) throw new UnsupportedOperationException("no application frame");
        return frame.getDescriptor();
    }

    @Override
    public int getByteCodeIndex() {
        return frame == null ? -1 : frame.getByteCodeIndex();
    }

    @Override
    public String getFileName() {
        return frame == null ? null : frame.getFileName();
    }

    @Override
    public int getLineNumber() {
        return frame == null ? -1 : frame.getLineNumber();
    }

    @Override
    public boolean isNativeMethod() {
        return frame != null && frame.isNativeMethod();
    }

    @Override
    public StackTraceElement toStackTraceElement() {
        if (frame == null) throw new UnsupportedOperationException("no application frame");
        return frame.toStackTraceElement();
    }
}
