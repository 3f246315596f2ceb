package io.portwatch.otlp;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * The TLS context of the OTLP exporter, from the files the OpenTelemetry SDK reads for it:
 * {@code OTEL_EXPORTER_OTLP_CERTIFICATE}, the PEM certificates to trust instead of the JVM's
 * trust store, and, for mutual TLS, {@code OTEL_EXPORTER_OTLP_CLIENT_KEY} (a PKCS#8 PEM private
 * key, RSA or EC, unencrypted) with {@code OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE} (its PEM
 * certificate chain). Only the JDK's own providers; nothing of this is loaded when none is set.
 */
public final class OtlpTls {

    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String KEY_END = "-----END PRIVATE KEY-----";
    /** The key store lives in memory only: its password protects nothing. */
    private static final char[] NO_PASSWORD = new char[0];

    private OtlpTls() {
    }

    /**
     * The context for these files, each path null or empty when not set; null when none is set
     * (the JVM's default context then applies). A file missing from a pair, unreadable or not what
     * it should be is an {@link IllegalArgumentException} of one line that names the file.
     */
    public static SSLContext context(String trustedCertificatesPath, String clientKeyPath,
                                     String clientCertificatePath) {
        boolean trusted = isSet(trustedCertificatesPath);
        boolean key = isSet(clientKeyPath);
        boolean chain = isSet(clientCertificatePath);
        if (key != chain) {
            throw new IllegalArgumentException(key
                    ? "OTLP client key " + clientKeyPath + " given without its certificate chain (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE)"
                    : "OTLP client certificate " + clientCertificatePath + " given without its private key (OTEL_EXPORTER_OTLP_CLIENT_KEY)");
        }
        if (!trusted && !key) return null;
        TrustManager[] trustManagers = trusted ? trustManagers(trustedCertificatesPath) : null;
        KeyManager[] keyManagers = key ? keyManagers(clientKeyPath, clientCertificatePath) : null;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            // Null managers are the JVM's defaults: its trust store when only a client key is given.
            context.init(keyManagers, trustManagers, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("OTLP TLS context not made: " + e, e);
        }
    }

    private static boolean isSet(String path) {
        return path != null && !path.trim().isEmpty();
    }

    private static TrustManager[] trustManagers(String path) {
        String what = "OTLP trusted certificates " + path;
        Collection<? extends Certificate> certificates = certificates(what, read(what, path));
        try {
            KeyStore store = emptyStore();
            int i = 0;
            for (Certificate c : certificates) store.setCertificateEntry("trusted-" + i++, c);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(what + ": not usable (" + e + ")", e);
        }
    }

    private static KeyManager[] keyManagers(String keyPath, String chainPath) {
        String whatKey = "OTLP client key " + keyPath;
        String whatChain = "OTLP client certificate " + chainPath;
        PrivateKey key = privateKey(whatKey, read(whatKey, keyPath));
        Collection<? extends Certificate> chain = certificates(whatChain, read(whatChain, chainPath));
        try {
            KeyStore store = emptyStore();
            store.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, NO_PASSWORD);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(whatKey + " with " + whatChain + ": not usable (" + e + ")", e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        return store;
    }

    private static byte[] read(String what, String path) {
        try {
            return Files.readAllBytes(Paths.get(path.trim()));
        } catch (IOException | RuntimeException e) { // RuntimeException: an invalid path
            throw new IllegalArgumentException(what + ": not readable (" + e + ")", e);
        }
    }

    /** The certificates of a PEM file (text around them is allowed), at least one. */
    private static Collection<? extends Certificate> certificates(String what, byte[] pem) {
        Collection<? extends Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(what + ": not PEM X.509 certificates (" + e.getMessage() + ")", e);
        }
        if (certificates.isEmpty()) throw new IllegalArgumentException(what + ": no certificate in the file");
        return certificates;
    }

    /** A PKCS#8 key, PEM or, as the SDK also takes, DER; RSA or EC, the two the SDK tries. */
    static PrivateKey privateKey(String what, byte[] file) {
        String text = new String(file, StandardCharsets.ISO_8859_1);
        byte[] der = file;
        int begin = text.indexOf(KEY_BEGIN);
        if (begin >= 0) {
            int end = text.indexOf(KEY_END, begin);
            if (end < 0) throw new IllegalArgumentException(what + ": no " + KEY_END + " line");
            try {
                der = Base64.getMimeDecoder().decode(text.substring(begin + KEY_BEGIN.length(), end));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + ": the key is not valid Base64", e);
            }
        } else if (text.contains("-----BEGIN ")) {
            throw new IllegalArgumentException(what + ": not an unencrypted PKCS#8 key (" + KEY_BEGIN + ");"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8.pem");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        String[] algorithms = {"RSA", "EC"};
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // another algorithm's key, or not a key
            } catch (GeneralSecurityException e) {
                // the JVM has no such provider: try the next
            }
        }
        throw new IllegalArgumentException(what + ": not a PKCS#8 RSA or EC private key");
    }
}
