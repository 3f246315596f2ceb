package io.portwatch.sample;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** JDBC URL helpers: redaction of secrets and appending properties. */
public final class JdbcUrls {
    /** Any key=value property whose key mentions "password" (password, password1, trustCertificateKeyStorePassword...). */
    private static final Pattern SECRET_PARAM =
            Pattern.compile("(?i)([?&;(,]\\s*[a-z0-9_.-]*password[a-z0-9_.-]*\\s*=)([^&;),]*)");
    /** user:password@ in the authority part (jdbc:mysql://user:secret@host/db). */
    private static final Pattern USERINFO = Pattern.compile("(//[^/@:?]*:)([^/@?]*)(@)");

    private JdbcUrls() {
    }

    /** The URL with every password replaced by "***"; null stays null. */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        String out = USERINFO.matcher(url).replaceAll("$1***$3");
        Matcher m = SECRET_PARAM.matcher(out);
        return m.replaceAll("$1***");
    }

    /** Appends "k=v&k=v" properties to a URL, with '?' or '&' as needed. */
    public static String withParams(String url, String params) {
        if (params == null || params.isEmpty()) {
            return url;
        }
        return url + (url.indexOf('?') >= 0 ? "&" : "?") + params;
    }
}
