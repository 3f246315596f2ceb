package io.portwatch.track;

import java.util.Collection;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a JDBC URL says about where a connection goes, and the URL with its secrets taken out.
 * Secrets never leave the process: every URL, and every message that may quote one, passes
 * through {@link #redact} before it becomes an attribute or a line of output.
 */
public final class JdbcUrls {

    static final String MASK = "****";

    /** {@code //user:secret@host}: the password of the authority form. */
    private static final Pattern USER_INFO = Pattern.compile("(//[^/?;@:]*:)([^/?;@]*)(@)");
    /** {@code user/secret@host}: Oracle's thin form. */
    private static final Pattern ORACLE_USER = Pattern.compile("(:thin:[^/@]*/)([^@]*)(@)");
    /** {@code password=secret} after {@code ?}, {@code &}, {@code ;} or {@code :} (and the like-named keys). */
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "([?&;:(]\\s*[A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|credential|apikey|api_key|accesskey)[A-Za-z0-9_.-]*\\s*=)([^&;)]*)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern HOST_PORT = Pattern.compile("//(?:[^/?;@]*@)?(\\[[^]]+]|[^:/?;,]+)(?::(\\d+))?");
    private static final Pattern ORACLE_HOST = Pattern.compile("@(?://)?([^:/?]+)(?::(\\d+))?");

    private JdbcUrls() {}

    /** The URL with passwords and other credentials replaced by {@code ****}. */
    public static String redact(String url) {
        if (url == null) return null;
        String s = USER_INFO.matcher(url).replaceAll("$1" + MASK + "$3");
        s = ORACLE_USER.matcher(s).replaceAll("$1" + MASK + "$3");
        return SECRET_PARAM.matcher(s).replaceAll("$1" + MASK);
    }

    /** {@code text} with every secret value in {@code secrets} masked, and any URL in it redacted. */
    public static String scrub(String text, Collection<String> secrets) {
        if (text == null) return null;
        String s = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) s = s.replace(secret, MASK);
        }
        return redact(s);
    }

    /** The values of credential-like parameters in a URL: the secrets to scrub from messages. */
    static java.util.List<String> secretsIn(String url) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (url == null) return out;
        for (Pattern p : new Pattern[]{USER_INFO, ORACLE_USER}) {
            Matcher m = p.matcher(url);
            while (m.find()) out.add(m.group(2));
        }
        Matcher m = SECRET_PARAM.matcher(url);
        while (m.find()) out.add(m.group(2).trim());
        return out;
    }

    /** Everything {@link Tracker} records of a URL, worked out at once (and kept, {@link UrlCache}). */
    static final class Facts {
        final String redactedUrl;
        final String system;
        final String database;
        final String host;
        final int port;

        private Facts(String url) {
            this.redactedUrl = redact(url);
            this.system = system(url);
            this.database = database(url);
            this.host = host(url);
            this.port = port(url);
        }

        static Facts of(String url) {
            return new Facts(url);
        }
    }

    /** {@link #secretsIn}, unmodifiable: a list that may be shared by every connection to the URL. */
    static java.util.List<String> sharedSecretsIn(String url) {
        return java.util.Collections.unmodifiableList(secretsIn(url));
    }

    /** {@code db.system.name}: the subprotocol, in the semantic conventions' spelling. */
    public static String system(String url) {
        String sub = subprotocol(url);
        switch (sub) {
            case "sqlserver": return "microsoft.sql_server";
            case "oracle": return "oracle.db";
            case "db2": return "ibm.db2";
            case "h2": return "h2database";
            default: return sub;
        }
    }

    /** The server host, or null (embedded databases). */
    public static String host(String url) {
        Matcher m = hostMatcher(url);
        if (m == null) return null;
        String h = m.group(1);
        return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
    }

    /** The server port: the URL's, else the system's default, else -1. */
    public static int port(String url) {
        Matcher m = hostMatcher(url);
        if (m != null && m.group(2) != null) return Integer.parseInt(m.group(2));
        switch (subprotocol(url)) {
            case "mysql": case "mariadb": return 3306;
            case "postgresql": return 5432;
            case "sqlserver": return 1433;
            case "oracle": return 1521;
            default: return -1;
        }
    }

    /** {@code db.namespace}: the database named in the URL's path or {@code databaseName}, or null. */
    public static String database(String url) {
        if (url == null) return null;
        Matcher named = Pattern.compile("[;?&]databaseName=([^;&]+)", Pattern.CASE_INSENSITIVE).matcher(url);
        if (named.find()) return named.group(1);
        int slashes = url.indexOf("//");
        if (slashes < 0) return null;
        int path = url.indexOf('/', slashes + 2);
        if (path < 0) return null;
        int end = path + 1;
        while (end < url.length() && "?;&".indexOf(url.charAt(end)) < 0) end++;
        String db = url.substring(path + 1, end);
        return db.isEmpty() ? null : db;
    }

    private static String subprotocol(String url) {
        if (url == null || !url.startsWith("jdbc:")) return "other_sql";
        int end = url.indexOf(':', 5);
        return end < 0 ? "other_sql" : url.substring(5, end).toLowerCase(Locale.ROOT);
    }

    private static Matcher hostMatcher(String url) {
        if (url == null) return null;
        Matcher m = HOST_PORT.matcher(url);
        if (m.find()) return m;
        if (subprotocol(url).equals("oracle")) {
            m = ORACLE_HOST.matcher(url);
            if (m.find()) return m;
        }
        return null;
    }
}
