package io.portwatch.it.support;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL reading to check a dashboard: the metric names a query selects and the label
 * names it matches on or groups by. Strings (label values, Grafana variables inside them) and
 * range selectors are dropped first; what is left that is an identifier, not a function call and
 * not a keyword, is a metric name.
 */
public final class PromQl {

    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
    private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)\\}");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![A-Za-z0-9_:$.])([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?");

    private PromQl() {}

    public static Set<String> metricNames(String query) {
        String q = GROUPING.matcher(MATCHERS.matcher(RANGE.matcher(STRING.matcher(query).replaceAll("\"\""))
                .replaceAll("")).replaceAll("")).replaceAll("");
        Set<String> out = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(q);
        while (m.find()) {
            boolean call = m.group(2) != null;
            if (!call && !KEYWORDS.contains(m.group(1).toLowerCase(java.util.Locale.ROOT))) out.add(m.group(1));
        }
        return out;
    }

    public static Set<String> labelNames(String query) {
        String q = STRING.matcher(query).replaceAll("\"\"");
        Set<String> out = new TreeSet<>();
        Matcher braces = MATCHERS.matcher(q);
        while (braces.find()) {
            Matcher l = MATCHER_LABEL.matcher(braces.group(1));
            while (l.find()) out.add(l.group(1));
        }
        Matcher g = GROUPING.matcher(q);
        while (g.find()) {
            for (String label : g.group(1).split(",")) {
                if (!label.trim().isEmpty()) out.add(label.trim());
            }
        }
        return out;
    }
}
