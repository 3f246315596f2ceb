package io.portwatch.sample;

import java.sql.SQLException;

/** Turns an exception chain into one short line: the deepest cause, which names what really failed. */
public final class Failures {
    private static final int MAX_LENGTH = 200;

    private Failures() {
    }

    /** The deepest cause's message, first line only (e.g. "Connection refused"). */
    public static String rootMessage(Throwable t) {
        Throwable root = root(t);
        String message = firstLine(root.getMessage());
        return message.isEmpty() ? root.getClass().getSimpleName() : message;
    }

    /** "SimpleClassName: message" of the deepest cause, for grouping failures. */
    public static String describe(Throwable t) {
        Throwable root = root(t);
        String message = firstLine(root.getMessage());
        String name = root.getClass().getSimpleName();
        return message.isEmpty() ? name : name + ": " + message;
    }

    static Throwable root(Throwable t) {
        Throwable current = t;
        for (int depth = 0; depth < 20; depth++) {
            Throwable next = current.getCause();
            if (next == null && current instanceof SQLException) {
                next = ((SQLException) current).getNextException();
            }
            if (next == null || next == current) {
                break;
            }
            current = next;
        }
        return current;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.trim();
        int nl = line.indexOf('\n');
        if (nl >= 0) {
            line = line.substring(0, nl).trim();
        }
        if (line.length() > MAX_LENGTH) {
            line = line.substring(0, MAX_LENGTH) + "...";
        }
        return line;
    }
}
