package io.portwatch.track;

/** The first application frame that opened a connection: where to look, and what to fix. */
public final class CallSite {
    /** Fully qualified method, as {@code code.function.name}: {@code com.example.Writer.write}. */
    public final String function;
    /** Source file name as the class file records it, or null. */
    public final String file;
    /** Line number, or -1 when the class has no line table. */
    public final int line;
    private final String text;

    CallSite(String function, String file, int line) {
        this.function = function;
        this.file = file;
        this.line = line;
        String where = file == null ? "Unknown Source" : line >= 0 ? file + ":" + line : file;
        this.text = function + "(" + where + ")";
    }

    static CallSite of(StackTraceElement e) {
        return new CallSite(e.getClassName() + "." + e.getMethodName(), e.getFileName(), e.getLineNumber());
    }

    /** {@code com.example.Writer.write(Writer.java:42)}, the form a stack trace uses. */
    @Override
    public String toString() {
        return text; // built once: call sites are cached and their text is asked for per connection
    }
}
