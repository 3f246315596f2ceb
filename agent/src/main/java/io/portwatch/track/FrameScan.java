package io.portwatch.track;

import java.util.Spliterator;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One thread's walk to its first application frame, noting the libraries it passes on the way
 * ({@link #trail}). Held per thread and reused: the walk drives the stream's own spliterator with
 * this object as the action, so it allocates no pipeline stage, sink or {@code Optional} of its
 * own, and leaves its second answer in a field rather than in a new object.
 */
final class FrameScan implements Function<Stream<StackWalker.StackFrame>, StackWalker.StackFrame>,
        Consumer<StackWalker.StackFrame> {

    private final FramePrefixes prefixes;
    private StackWalker.StackFrame found;
    /** The last walk's trail ({@link FramePrefixes#pass}) up to its application frame, or to the stack's end. */
    int trail;

    FrameScan(FramePrefixes prefixes) {
        this.prefixes = prefixes;
    }

    @Override
    public StackWalker.StackFrame apply(Stream<StackWalker.StackFrame> frames) {
        found = null;
        trail = 0;
        Spliterator<StackWalker.StackFrame> s = frames.spliterator();
        while (found == null && s.tryAdvance(this)) {
            // accept() looks at one frame
        }
        StackWalker.StackFrame f = found;
        found = null; // the thread's scan must not keep a frame (and its class) alive
        return f;
    }

    @Override
    public void accept(StackWalker.StackFrame f) {
        int code = prefixes.codeOf(f.getClassName());
        if (code == FramePrefixes.APPLICATION) {
            found = f;
        } else {
            trail = FramePrefixes.pass(trail, code);
        }
    }
}
