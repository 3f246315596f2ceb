package io.portwatch.report;

/**
 * Escaping for HTML text and attribute values. Everything in a report that comes from the
 * application or the network (call sites, host names, warning text) goes through it: a class or
 * host name is not trusted to be free of {@code <} or quotes.
 */
final class Html {

    private Html() {}

    static String escape(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': b.append("&amp;"); break;
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default:
                    // Control characters have no place in a page; keep tab, newline, carriage return.
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        b.append('\uFFFD');
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.toString();
    }
}
