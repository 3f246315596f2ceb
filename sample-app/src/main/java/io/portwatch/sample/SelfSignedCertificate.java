package io.portwatch.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.text.SimpleDateFormat;
import java.util.Base64;
import java.util.Date;
import java.util.Locale;
import java.util.TimeZone;

/**
 * Writes a throwaway self-signed ECDSA (P-256) certificate and key as PEM files for the embedded MariaDB.
 * MariaDB 11.4 generates one itself when none is configured, but that takes 3 to 15 s at every
 * start; this takes well under a second. ECDSA rather than RSA because the server's TLS library
 * (wolfSSL) handshakes faster with it: measured here, churn over TLS ran at about 100 connections/s
 * with P-256 against about 65/s with RSA-2048. Only the DER needed for one X.509 v3 certificate.
 */
final class SelfSignedCertificate {
    private static final byte[] OID_ECDSA_WITH_SHA256 = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
    private static final byte[] OID_COMMON_NAME = {0x55, 0x04, 0x03};
    private static final long VALIDITY_MILLIS = 10L * 365 * 24 * 3600 * 1000;

    private SelfSignedCertificate() {
    }

    /** Writes {@code cert} and {@code key} (PKCS#8, unencrypted) for the given common name. */
    static void write(Path cert, Path key, String commonName) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair pair = generator.generateKeyPair();

        byte[] algorithm = sequence(oid(OID_ECDSA_WITH_SHA256));
        byte[] name = sequence(set(sequence(oid(OID_COMMON_NAME), utf8(commonName))));
        long now = System.currentTimeMillis();
        byte[] validity = sequence(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + VALIDITY_MILLIS)));
        byte[] version = tagged(0xa0, integer(BigInteger.valueOf(2)));
        byte[] serial = integer(new BigInteger(63, new SecureRandom()).add(BigInteger.ONE));
        byte[] tbs = sequence(version, serial, algorithm, name, validity, name, pair.getPublic().getEncoded());

        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] certificate = sequence(tbs, algorithm, bitString(signature));

        Files.write(cert, pem("CERTIFICATE", certificate));
        Files.write(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    }

    private static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] sequence(byte[]... parts) {
        return tagged(0x30, parts);
    }

    private static byte[] set(byte[]... parts) {
        return tagged(0x31, parts);
    }

    private static byte[] oid(byte[] encoded) {
        return tagged(0x06, encoded);
    }

    private static byte[] integer(BigInteger value) {
        return tagged(0x02, value.toByteArray());
    }

    private static byte[] utf8(String s) {
        return tagged(0x0c, s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] utcTime(Date date) {
        SimpleDateFormat format = new SimpleDateFormat("yyMMddHHmmss'Z'", Locale.ROOT);
        format.setTimeZone(TimeZone.getTimeZone("UTC"));
        return tagged(0x17, format.format(date).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] bitString(byte[] bits) {
        byte[] content = new byte[bits.length + 1];
        System.arraycopy(bits, 0, content, 1, bits.length);
        return tagged(0x03, content);
    }

    private static byte[] tagged(int tag, byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.write(part, 0, part.length);
        }
        int length = content.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = length > 0xffff ? 3 : length > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        byte[] body = content.toByteArray();
        out.write(body, 0, body.length);
        return out.toByteArray();
    }
}
