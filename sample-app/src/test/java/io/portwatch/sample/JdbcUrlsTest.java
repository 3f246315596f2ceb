package io.portwatch.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    @Test
    void redactsPasswordProperties() {
        assertEquals("jdbc:mysql://h:3306/db?user=u&password=***&sslMode=DISABLED",
                JdbcUrls.redact("jdbc:mysql://h:3306/db?user=u&password=s3cret&sslMode=DISABLED"));
        assertEquals("jdbc:mysql://h/db?Password=***",
                JdbcUrls.redact("jdbc:mysql://h/db?Password=x"));
        assertEquals("jdbc:mysql://h/db?password1=***&password2=***&trustCertificateKeyStorePassword=***",
                JdbcUrls.redact("jdbc:mysql://h/db?password1=a&password2=b&trustCertificateKeyStorePassword=c"));
    }

    @Test
    void redactsUserInfoAndHostProperties() {
        assertEquals("jdbc:mysql://u:***@h:3306/db", JdbcUrls.redact("jdbc:mysql://u:pw@h:3306/db"));
        assertEquals("jdbc:mysql://(host=h,port=3306,password=***)/db",
                JdbcUrls.redact("jdbc:mysql://(host=h,port=3306,password=pw)/db"));
    }

    @Test
    void leavesUrlsWithoutSecretsAlone() {
        assertEquals("jdbc:mysql://127.0.0.1:1/x", JdbcUrls.redact("jdbc:mysql://127.0.0.1:1/x"));
        assertEquals("jdbc:mysql://u@h/db?user=u", JdbcUrls.redact("jdbc:mysql://u@h/db?user=u"));
        assertNull(JdbcUrls.redact(null));
    }

    @Test
    void appendsParams() {
        assertEquals("jdbc:mysql://h/db?sslMode=DISABLED", JdbcUrls.withParams("jdbc:mysql://h/db", "sslMode=DISABLED"));
        assertEquals("jdbc:mysql://h/db?a=b&c=d", JdbcUrls.withParams("jdbc:mysql://h/db?a=b", "c=d"));
        assertEquals("jdbc:mysql://h/db", JdbcUrls.withParams("jdbc:mysql://h/db", null));
    }
}
