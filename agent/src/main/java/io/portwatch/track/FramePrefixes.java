package io.portwatch.track;

import io.portwatch.clients.ClientLibrary;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The class-name prefixes a stack walk tests each frame against, compiled once: which frames are
 * not the application's, and of those, which are a known client library's or a pool's
 * ({@link ClientLibrary}). One test per frame answers both, so telling the library costs the walk
 * nothing it did not already do.
 *
 * <p>The prefixes are kept by their first character, so a frame is tested only against those that
 * could match it: a JDK frame meets the JDK's few prefixes, not the thirty-odd of the libraries.
 * Within one first character, the order is the skip list's (the JDK first: most frames are its),
 * with a library's prefix put before the broader one it lies under
 * ({@code jdk.internal.net.http.} before {@code jdk.}): the first match is the one taken.
 *
 * <p>A frame's code packs the library (its ordinal + 1, 0 for none) in {@link #LIBRARY_BITS} and
 * {@link #POOL} when the frame is a pool's. A walk folds the codes of the frames it passes into a
 * trail ({@link #pass}).
 */
final class FramePrefixes {

    /** {@link #codeOf}: a frame of the application's. */
    static final int APPLICATION = -1;
    static final int LIBRARY_BITS = 0x1F;
    static final int POOL = 0x20;

    private static final ClientLibrary[] LIBRARIES = ClientLibrary.values();
    private static final String[] NONE = new String[0];
    private static final int[] NO_CODES = new int[0];

    /** By first character (ASCII); {@link #otherPrefixes} for the rest. */
    private final String[][] prefixes = new String[128][];
    private final int[][] codes = new int[128][];
    private final String[] otherPrefixes;
    private final int[] otherCodes;

    /** {@code skip}: every other prefix that is not the application's, in the order to test them. */
    FramePrefixes(List<String> skip) {
        // The code of each prefix: a library's where a library names it (okhttp3. is in the skip list too).
        Map<String, Integer> codeOf = new LinkedHashMap<>();
        for (ClientLibrary l : LIBRARIES) {
            int code = (l.ordinal() + 1) | (l.reuse == ClientLibrary.Reuse.POOL ? POOL : 0);
            for (String p : l.prefixes()) codeOf.putIfAbsent(p, code);
        }
        for (String p : ClientLibrary.GENERIC_POOLS) codeOf.putIfAbsent(p, POOL);
        for (String p : skip) codeOf.putIfAbsent(p, 0);
        // The order: the skip list's, each other prefix before the first broader one it lies under.
        List<String> order = new ArrayList<>();
        for (String p : skip) {
            if (!order.contains(p)) order.add(p);
        }
        for (String p : codeOf.keySet()) {
            if (order.contains(p)) continue;
            int at = -1;
            for (int i = 0; i < order.size() && at < 0; i++) {
                if (p.startsWith(order.get(i))) at = i;
            }
            if (at < 0) order.add(p);
            else order.add(at, p);
        }
        List<List<String>> byChar = new ArrayList<>();
        for (int c = 0; c <= 128; c++) byChar.add(new ArrayList<>()); // 128: the rest
        for (String p : order) {
            if (p.isEmpty()) {
                for (List<String> bucket : byChar) bucket.add(p); // matches every class
            } else {
                char c = p.charAt(0);
                byChar.get(c < 128 ? c : 128).add(p);
            }
        }
        for (int c = 0; c < 128; c++) {
            prefixes[c] = byChar.get(c).isEmpty() ? NONE : byChar.get(c).toArray(NONE);
            codes[c] = codesOf(prefixes[c], codeOf);
        }
        otherPrefixes = byChar.get(128).toArray(NONE);
        otherCodes = codesOf(otherPrefixes, codeOf);
    }

    private static int[] codesOf(String[] prefixes, Map<String, Integer> codeOf) {
        if (prefixes.length == 0) return NO_CODES;
        int[] out = new int[prefixes.length];
        for (int i = 0; i < prefixes.length; i++) out[i] = codeOf.get(prefixes[i]);
        return out;
    }

    /** {@link #APPLICATION}, or the code of a frame that is not the application's (0: no library's). */
    int codeOf(String className) {
        if (className.isEmpty()) return APPLICATION;
        char c = className.charAt(0);
        String[] ps = c < 128 ? prefixes[c] : otherPrefixes;
        int[] cs = c < 128 ? codes[c] : otherCodes;
        for (int i = 0; i < ps.length; i++) {
            if (className.startsWith(ps[i])) return cs[i];
        }
        return APPLICATION;
    }

    /**
     * The trail of a walk after one more frame, walking from the socket out toward the
     * application: a library's frame replaces the library the trail held (the one nearer the
     * application is the one it called), and a pool's frame marks the trail for good.
     */
    static int pass(int trail, int code) {
        int library = code & LIBRARY_BITS;
        return (library != 0 ? library : trail & LIBRARY_BITS) | ((trail | code) & POOL);
    }

    /** The library a trail names, or null. */
    static ClientLibrary library(int trail) {
        int l = trail & LIBRARY_BITS;
        return l == 0 ? null : LIBRARIES[l - 1];
    }

    static boolean poolOnStack(int trail) {
        return (trail & POOL) != 0;
    }
}
