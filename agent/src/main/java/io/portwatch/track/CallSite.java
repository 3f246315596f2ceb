package io.portwatch.track;

/** The first application frame that opened a connection: where to look, and what to fix. */
public final class CallSite {
    /** Fully qualified method, as {@code code.function.name}: {@code com.example.Writer.write}. */
    public final String function;
    /** Source file name as the class file records it, or null. */
    public final String file;
    /** Line number, or -1 when the class has no line table. */
    public final int line;

    CallSite(String function, String file, int line) {
        this.function = function;
        this.file = file;
        this.line = line;
    }

    static CallSite of(StackTraceElement e) {
        return new CallSite(e.getClassName() + "." + e.getMethodName(), e.getFileName(), e.getLineNumber());
    }

    /** {@code com.example.Writer.write(Writer.java:42)}, the form a stack trace uses. */
    @Override
    public String toString() {
        String where = file == null ? "Unknown Source" : line >= 0 ? file + ":" + line : file;
        return function + "(" + where + ")";
    }
}
