package io.portwatch.otlp;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TLS context from PEM files, and the sender over HTTPS and mutual TLS against the JDK's own
 * server on loopback. The keys and certificates are made by the JDK's {@code keytool}.
 */
class OtlpTlsTest {

    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final byte[] BODY = "an OTLP message".getBytes(StandardCharsets.UTF_8);

    @TempDir
    static Path dir;
    /** The collector's: an RSA key and its self-signed certificate for 127.0.0.1. */
    private static Path serverStore;
    private static Path serverCertificate;
    /** The client's, for mutual TLS: an EC key, as PKCS#8 PEM, and its certificate. */
    private static Path clientStore;
    private static Path clientKey;
    private static Path clientCertificate;

    private HttpsServer server;
    private final List<Integer> remotePorts = Collections.synchronizedList(new ArrayList<Integer>());

    @BeforeAll
    static void makeKeys() throws Exception {
        serverStore = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", serverStore.toString());
        serverCertificate = dir.resolve("server.pem");
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", serverStore.toString(),
                "-file", serverCertificate.toString());
        clientStore = dir.resolve("client.p12");
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-keysize", "256", "-validity", "2",
                "-dname", "CN=portwatch", "-keystore", clientStore.toString());
        clientCertificate = dir.resolve("client.pem");
        keytool("-exportcert", "-rfc", "-alias", "client", "-keystore", clientStore.toString(),
                "-file", clientCertificate.toString());
        clientKey = dir.resolve("client-key.pem");
        Files.write(clientKey, pkcs8Pem(load(clientStore).getKey("client", PASSWORD).getEncoded()));
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + "/bin/keytool");
        command.addAll(Arrays.asList(args));
        command.addAll(Arrays.asList("-storetype", "PKCS12", "-storepass", "changeit", "-noprompt"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool ended");
        assertEquals(0, p.exitValue(), output);
    }

    private static KeyStore load(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    private static byte[] pkcs8Pem(byte[] der) {
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    /** An HTTPS collector with the server's key; with {@code needClientAuth}, only the client's certificate gets in. */
    private URL serve(boolean needClientAuth) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(serverStore), PASSWORD);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(clientCertificate)) {
            trusted.setCertificateEntry("client", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(ssl);
            }
        });
        server.createContext("/v1/traces", exchange -> {
            assertArrayEquals(BODY, exchange.getRequestBody().readAllBytes());
            remotePorts.add(exchange.getRemoteAddress().getPort());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return new URL("https://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces");
    }

    private static OtlpHttpSender sender(URL endpoint, SSLContext tls) {
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        return new OtlpHttpSender(endpoint, null, 5000, false, tls, 3, ms, 10 * ms);
    }

    @Test
    void theTrustedCertificateLetsTheExportThrough() throws Exception {
        URL endpoint = serve(false);
        OtlpHttpSender sender = sender(endpoint, OtlpTls.context(serverCertificate.toString(), null, null));
        OtlpHttpSender.Outcome outcome = sender.post(BODY);
        assertTrue(outcome.delivered, outcome.toString());
        assertTrue(sender.post(BODY).delivered);
        assertEquals(2, remotePorts.size());
        assertEquals(remotePorts.get(0), remotePorts.get(1), "the TLS connection is kept alive");
    }

    @Test
    void anUntrustedCertificateFailsOnceWithATlsDetail() throws Exception {
        URL endpoint = serve(false);
        // The JVM's own trust store, then a context that trusts another certificate.
        SSLContext[] contexts = {null, OtlpTls.context(clientCertificate.toString(), null, null)};
        for (SSLContext tls : contexts) {
            OtlpHttpSender.Outcome outcome = sender(endpoint, tls).post(BODY);
            assertFalse(outcome.delivered);
            assertEquals(-1, outcome.status);
            assertEquals(1, outcome.attempts, "a TLS failure is not retried");
            // JDK 25 puts the alert first: "SSLHandshakeException: (certificate_unknown) PKIX path ...".
            assertTrue(outcome.detail.startsWith("OTLP export to " + endpoint + " failed: javax.net.ssl.SSLHandshakeException: "),
                    outcome.detail);
            assertTrue(outcome.detail.contains("PKIX path"), outcome.detail);
        }
        assertEquals(0, remotePorts.size());
    }

    @Test
    void mutualTlsWithTheClientKeyAndCertificate() throws Exception {
        URL endpoint = serve(true);
        SSLContext mutual = OtlpTls.context(serverCertificate.toString(), clientKey.toString(), clientCertificate.toString());
        OtlpHttpSender.Outcome outcome = sender(endpoint, mutual).post(BODY);
        assertTrue(outcome.delivered, outcome.toString());

        OtlpHttpSender.Outcome without = sender(endpoint, OtlpTls.context(serverCertificate.toString(), null, null)).post(BODY);
        assertFalse(without.delivered, "the collector wants a client certificate");
        assertEquals(1, remotePorts.size());
    }

    @Test
    void nothingSetIsTheJvmsDefault() {
        assertNull(OtlpTls.context(null, null, null));
        assertNull(OtlpTls.context("", " ", ""));
    }

    @Test
    void aClientKeyAndItsCertificateComeTogether() {
        assertEquals("OTLP client key /k.pem given without its certificate chain (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE)",
                assertThrows(IllegalArgumentException.class, () -> OtlpTls.context(null, "/k.pem", null)).getMessage());
        assertEquals("OTLP client certificate /c.pem given without its private key (OTEL_EXPORTER_OTLP_CLIENT_KEY)",
                assertThrows(IllegalArgumentException.class, () -> OtlpTls.context(null, "", "/c.pem")).getMessage());
    }

    @Test
    void aMissingOrWrongFileIsNamed() throws IOException {
        Path missing = dir.resolve("missing.pem");
        String message = assertThrows(IllegalArgumentException.class,
                () -> OtlpTls.context(missing.toString(), null, null)).getMessage();
        assertTrue(message.startsWith("OTLP trusted certificates " + missing + ": not readable (java.nio.file.NoSuchFileException"), message);

        Path text = Files.write(dir.resolve("notes.txt"), "not a certificate\n".getBytes(StandardCharsets.UTF_8));
        message = assertThrows(IllegalArgumentException.class, () -> OtlpTls.context(text.toString(), null, null)).getMessage();
        assertTrue(message.startsWith("OTLP trusted certificates " + text + ": "), message);
        assertFalse(message.contains("\n"), message);

        // A certificate where the key should be, and a key where the certificate should be.
        message = assertThrows(IllegalArgumentException.class, () -> OtlpTls.context(null,
                clientCertificate.toString(), clientCertificate.toString())).getMessage();
        assertTrue(message.startsWith("OTLP client key " + clientCertificate + ": not an unencrypted PKCS#8 key"), message);
        message = assertThrows(IllegalArgumentException.class, () -> OtlpTls.context(null,
                clientKey.toString(), clientKey.toString())).getMessage();
        assertTrue(message.startsWith("OTLP client certificate " + clientKey + ": "), message);
    }

    @Test
    void aPkcs1KeyIsToldHowToConvert() {
        byte[] pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow==\n-----END RSA PRIVATE KEY-----\n".getBytes(StandardCharsets.US_ASCII);
        String message = assertThrows(IllegalArgumentException.class, () -> OtlpTls.privateKey("key.pem", pkcs1)).getMessage();
        assertTrue(message.contains("openssl pkcs8 -topk8 -nocrypt"), message);
        byte[] noEnd = "-----BEGIN PRIVATE KEY-----\nMIIEow==\n".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IllegalArgumentException.class, () -> OtlpTls.privateKey("key.pem", noEnd));
        byte[] notAKey = pkcs8Pem(new byte[] {1, 2, 3});
        assertEquals("key.pem: not a PKCS#8 RSA or EC private key",
                assertThrows(IllegalArgumentException.class, () -> OtlpTls.privateKey("key.pem", notAKey)).getMessage());
    }

    @Test
    void rsaAndEcKeysInPemOrDer() throws Exception {
        byte[] rsa = load(serverStore).getKey("server", PASSWORD).getEncoded();
        byte[] ec = load(clientStore).getKey("client", PASSWORD).getEncoded();
        assertEquals("RSA", OtlpTls.privateKey("rsa.pem", pkcs8Pem(rsa)).getAlgorithm());
        assertArrayEquals(rsa, OtlpTls.privateKey("rsa.pem", pkcs8Pem(rsa)).getEncoded());
        assertEquals("EC", OtlpTls.privateKey("ec.pem", pkcs8Pem(ec)).getAlgorithm());
        assertEquals("EC", OtlpTls.privateKey("ec.der", ec).getAlgorithm());
        // Text around the PEM block, as openssl writes it with -text, is skipped.
        byte[] withText = ("Private-Key: (256 bit)\n" + new String(pkcs8Pem(ec), StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII);
        assertNotNull(OtlpTls.privateKey("ec.pem", withText));
    }
}
