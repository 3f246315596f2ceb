package io.portwatch.track;

import java.util.ArrayList;
import java.util.List;

/**
 * A driver's {@code connect} call in progress on one thread. Sockets opened while it is the
 * thread's current scope belong to it. Counts nested calls of drivers that wrap drivers.
 */
final class JdbcScope {

    final long startNanos;
    int depth;
    String url;
    /** The connect's properties, while it runs: where its secrets are, should it fail. */
    java.util.Properties info;
    /** The class of the driver whose connect is the outer call; null in tests that make scopes by hand. */
    Class<?> driverClass;
    /** The classes of the drivers whose connects were called inside it, if any. */
    private List<Class<?>> nestedDrivers;
    /**
     * Where the connect came from, found by the stack walk of the first socket it opened (the
     * same walk that found the socket's call site); null until then, or when that walk could not
     * tell (the connect's end then walks itself).
     */
    CallSites.Origin origin;
    /** The first socket's walk was made: later sockets walk for their own call site only. */
    boolean originWalked;

    JdbcScope(long startNanos) {
        this.startNanos = startNanos;
    }

    void nested(Class<?> driver) {
        if (nestedDrivers == null) nestedDrivers = new ArrayList<>(2);
        if (!nestedDrivers.contains(driver)) nestedDrivers.add(driver);
    }

    /**
     * True for a frame of a method named {@code connect} of a driver in this scope. Every driver's
     * {@code connect(String, Properties)} is instrumented, so each one on the stack is the outer
     * call or a nested one ({@link #depth}). A driver's other methods named {@code connect} count
     * too: the frame's parameter types are not known without {@code StackFrame.getDescriptor()},
     * which JDK 25 (not 17) refuses to a walker without {@code RETAIN_CLASS_REFERENCE}; such a frame makes
     * more connect frames than the scope counts, and the walk then leaves the origin to the end.
     */
    boolean isConnectFrame(StackWalker.StackFrame f) {
        if (!"connect".equals(f.getMethodName())) return false;
        String className = f.getClassName();
        boolean ours = declares(driverClass, className);
        for (int i = 0; !ours && nestedDrivers != null && i < nestedDrivers.size(); i++) {
            ours = declares(nestedDrivers.get(i), className);
        }
        return ours;
    }

    /** Whether {@code className} is the driver's class or one of its superclasses. */
    private static boolean declares(Class<?> driver, String className) {
        for (Class<?> c = driver; c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) return true;
        }
        return false;
    }
}
