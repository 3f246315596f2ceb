package io.portwatch.clients;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientLibraryTest {

    @Test
    void eachClientIsToldByItsOwnClasses() {
        // Classes of the real libraries, as their stacks show them at connect().
        assertEquals(ClientLibrary.JDK_HTTP_CLIENT, ClientLibrary.of("jdk.internal.net.http.PlainHttpConnection"));
        assertEquals(ClientLibrary.JDK_HTTP_CLIENT, ClientLibrary.of("jdk.internal.net.http.HttpClientImpl"));
        assertEquals(ClientLibrary.HTTP_URL_CONNECTION, ClientLibrary.of("sun.net.www.protocol.http.HttpURLConnection"));
        assertEquals(ClientLibrary.HTTP_URL_CONNECTION, ClientLibrary.of("sun.net.www.protocol.https.HttpsURLConnectionImpl"));
        assertEquals(ClientLibrary.HTTP_URL_CONNECTION, ClientLibrary.of("sun.net.www.http.HttpClient"));
        assertEquals(ClientLibrary.OKHTTP, ClientLibrary.of("okhttp3.internal.connection.RealConnection"));
        assertEquals(ClientLibrary.APACHE_HTTPCLIENT_4, ClientLibrary.of("org.apache.http.impl.conn.DefaultHttpClientConnectionOperator"));
        assertEquals(ClientLibrary.APACHE_HTTPCLIENT_5, ClientLibrary.of("org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator"));
        assertEquals(ClientLibrary.REACTOR_NETTY, ClientLibrary.of("reactor.netty.resources.PooledConnectionProvider"));
        assertEquals(ClientLibrary.GRPC_JAVA, ClientLibrary.of("io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap"));
        assertEquals(ClientLibrary.GRPC_JAVA, ClientLibrary.of("io.grpc.internal.ManagedChannelImpl"));
        assertEquals(ClientLibrary.LETTUCE, ClientLibrary.of("io.lettuce.core.RedisClient"));
        assertEquals(ClientLibrary.JEDIS, ClientLibrary.of("redis.clients.jedis.Connection"));
        assertEquals(ClientLibrary.JDBC_DRIVER_MANAGER, ClientLibrary.of("java.sql.DriverManager"));
        assertEquals(ClientLibrary.JDBC_POOL, ClientLibrary.of("com.zaxxer.hikari.pool.HikariPool"));
        assertEquals(ClientLibrary.JDBC_POOL, ClientLibrary.of("org.apache.commons.dbcp2.BasicDataSource"));
        assertEquals(ClientLibrary.JDBC_DRIVER, ClientLibrary.of("org.mariadb.jdbc.Driver"));
    }

    @Test
    void theirNeighboursAreNot() {
        for (String c : new String[] {"java.net.Socket", "jdk.internal.net.Foo",
                "java.sql.Connection", "sun.net.NetworkClient", "io.netty.bootstrap.Bootstrap", "okhttp.Other",
                "org.apache.commons.pool2.impl.GenericObjectPool", "io.lettuce2.X", "redis.clients.Other",
                "com.example.App"}) {
            assertNull(ClientLibrary.of(c), c);
        }
    }

    @Test
    void idsAreDistinctAttributeValues() {
        Set<String> ids = new HashSet<>();
        for (ClientLibrary l : ClientLibrary.values()) {
            assertTrue(ids.add(l.id), l.id);
            assertTrue(l.id.matches("[a-z0-9-]+"), l.id);
            assertEquals(l.id, l.toString());
        }
    }
}
