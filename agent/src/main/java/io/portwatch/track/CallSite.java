package io.portwatch.track;

import io.portwatch.clients.ClientLibrary;

/**
 * The first application frame that opened a connection: where to look, and what to fix; and the
 * client library its walk passed on the way to the socket, which says how to fix it.
 */
public final class CallSite {
    /** Fully qualified method, as {@code code.function.name}: {@code com.example.Writer.write}; null when no application frame. */
    public final String function;
    /** Source file name as the class file records it, or null. */
    public final String file;
    /** Line number, or -1 when the class has no line table. */
    public final int line;
    /** The client library nearest the application frame on the stack, or null when none known. */
    public final ClientLibrary library;
    /** A pool's frames (a JDBC pool, commons-pool2) were between the application frame and the socket. */
    public final boolean poolOnStack;
    private final String text;

    CallSite(String function, String file, int line) {
        this(function, file, line, null, false);
    }

    CallSite(String function, String file, int line, ClientLibrary library, boolean poolOnStack) {
        this.function = function;
        this.file = file;
        this.line = line;
        this.library = library;
        this.poolOnStack = poolOnStack;
        if (function == null) {
            this.text = "(no application frame, in " + (library == null ? "no known library" : library.displayName) + ")";
        } else {
            String where = file == null ? "Unknown Source" : line >= 0 ? file + ":" + line : file;
            this.text = function + "(" + where + ")";
        }
    }

    static CallSite of(StackTraceElement e) {
        return of(e, null, false);
    }

    static CallSite of(StackTraceElement e, ClientLibrary library, boolean poolOnStack) {
        return new CallSite(e.getClassName() + "." + e.getMethodName(), e.getFileName(), e.getLineNumber(),
                library, poolOnStack);
    }

    /** The connections of a library's own threads, whose stacks hold no application frame. */
    static CallSite inside(ClientLibrary library, boolean poolOnStack) {
        return new CallSite(null, null, -1, library, poolOnStack);
    }

    /** Whether an application frame was found; false for {@link #inside} a library. */
    public boolean hasApplicationFrame() {
        return function != null;
    }

    /**
     * {@code com.example.Writer.write(Writer.java:42)}, the form a stack trace uses; for a
     * library's own threads, {@code (no application frame, in the JDK HttpClient)}.
     */
    @Override
    public String toString() {
        return text; // built once: call sites are cached and their text is asked for per connection
    }
}
