package io.portwatch.track;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What is worked out per JDBC URL, and kept per URL. */
class JdbcUrlsTest {

    private static final String[] URLS = {
        "jdbc:mysql://app:s3cret@db.example.com:3307/orders?useSSL=false&password=other",
        "jdbc:mariadb://10.0.0.5/inventory",
        "jdbc:postgresql://[::1]:5433/app;token=abc",
        "jdbc:sqlserver://sql.example.com;databaseName=billing;password=pw",
        "jdbc:oracle:thin:scott/tiger@ora.example.com:1522/ORCL",
        "jdbc:h2:mem:test",
        "not a url",
    };

    @Test
    void factsAreWhatEachFunctionSays() {
        for (String url : URLS) {
            JdbcUrls.Facts f = JdbcUrls.Facts.of(url);
            assertEquals(JdbcUrls.redact(url), f.redactedUrl, url);
            assertEquals(JdbcUrls.system(url), f.system, url);
            assertEquals(JdbcUrls.database(url), f.database, url);
            assertEquals(JdbcUrls.host(url), f.host, url);
            assertEquals(JdbcUrls.port(url), f.port, url);
        }
        JdbcUrls.Facts mysql = JdbcUrls.Facts.of(URLS[0]);
        assertEquals("jdbc:mysql://app:****@db.example.com:3307/orders?useSSL=false&password=****", mysql.redactedUrl);
        assertEquals("mysql", mysql.system);
        assertEquals("orders", mysql.database);
        assertEquals("db.example.com", mysql.host);
        assertEquals(3307, mysql.port);
        JdbcUrls.Facts none = JdbcUrls.Facts.of(null);
        assertNull(none.redactedUrl);
        assertEquals("other_sql", none.system);
        assertEquals(-1, none.port);
    }

    @Test
    void sharedSecretsAreTheSecretsAndCannotBeChanged() {
        for (String url : URLS) {
            assertEquals(JdbcUrls.secretsIn(url), JdbcUrls.sharedSecretsIn(url), url);
        }
        List<String> shared = JdbcUrls.sharedSecretsIn(URLS[0]);
        assertEquals(Arrays.asList("s3cret", "other"), shared);
        assertThrows(UnsupportedOperationException.class, () -> shared.add("x"));
    }

    @Test
    void aUrlIsWorkedOutOnce() {
        AtomicInteger computed = new AtomicInteger();
        UrlCache<String> cache = new UrlCache<>(url -> {
            computed.incrementAndGet();
            return "facts of " + url;
        });
        String first = cache.get("jdbc:a");
        assertSame(first, cache.get("jdbc:a"));
        assertEquals(1, computed.get());
        assertEquals("facts of null", cache.get(null));
        assertEquals("facts of null", cache.get(null));
        assertEquals(3, computed.get(), "null is worked out every time, never kept");
        assertEquals(1, cache.size());
    }

    @Test
    void boundedToAFewUrls() {
        AtomicInteger computed = new AtomicInteger();
        UrlCache<String> cache = new UrlCache<>(url -> {
            computed.incrementAndGet();
            return "facts of " + url;
        });
        for (int i = 0; i < 3 * UrlCache.LIMIT; i++) {
            assertEquals("facts of jdbc:" + i, cache.get("jdbc:" + i));
        }
        assertEquals(UrlCache.LIMIT, cache.size());
        computed.set(0);
        for (int i = 0; i < 3 * UrlCache.LIMIT; i++) {
            assertEquals("facts of jdbc:" + i, cache.get("jdbc:" + i));
        }
        assertEquals(2 * UrlCache.LIMIT, computed.get(), "the first URLs kept, later ones worked out each time");
    }

    @Test
    void secretsOfAFailedConnectAreTheUrlsThenItsProperties() {
        EventRing ring = new EventRing(64);
        JdbcEvents events = new JdbcEvents(ring, new CallSites(false, 0, Collections.emptyList()));
        Object driver = new Object();
        String url = URLS[0];

        events.connectStarted(driver, url, props("password", "unused"));
        events.connectEnded(driver, new Object(), null);
        assertNull(connectedSecrets(ring), "a connect that succeeded shows no message: its secrets are not looked for");

        Properties first = new Properties();
        first.setProperty("user", "app");
        first.setProperty("password", "first-pw");
        assertEquals(Arrays.asList("s3cret", "other", "first-pw"), secretsOf(ring, events, driver, url, first));

        Properties second = new Properties();
        second.setProperty("PWD", "second-pw");
        assertEquals(Arrays.asList("s3cret", "other", "second-pw"), secretsOf(ring, events, driver, url, second));

        assertEquals(Arrays.asList("s3cret", "other"), secretsOf(ring, events, driver, url, null));
        assertEquals(Arrays.asList("s3cret", "other"), secretsOf(ring, events, driver, url, new Properties()));
        assertEquals(Arrays.asList("s3cret", "other", "first-pw"), secretsOf(ring, events, driver, url, first),
                "the properties' secrets are not kept with the URL's");
        assertEquals(Collections.singletonList("third-pw"), secretsOf(ring, events, driver, URLS[1], props("password", "third-pw")));
        assertEquals(Collections.emptyList(), secretsOf(ring, events, driver, null, null));
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }

    /**
     * The secrets of one driver connect that failed, as its event carries them: the properties are
     * read as the call ends, before anything after it could change them.
     */
    private static List<String> secretsOf(EventRing ring, JdbcEvents events, Object driver, String url, Properties info) {
        events.connectStarted(driver, url, info);
        events.connectEnded(driver, null, new java.sql.SQLException("refused"));
        assertNull(events.currentScope());
        return connectedSecrets(ring);
    }

    /**
     * The secrets of the one connect-ended event waiting in the ring, read inside the drain: the
     * ring clears each slot once it is handled.
     */
    private static List<String> connectedSecrets(EventRing ring) {
        List<List<String>> secrets = new ArrayList<>();
        ring.drain(e -> { if (e.kind == EventKind.JDBC_CONNECTED) secrets.add(e.secrets); });
        assertEquals(1, secrets.size());
        return secrets.get(0);
    }
}
