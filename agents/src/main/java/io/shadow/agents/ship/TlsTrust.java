package io.shadow.agents.ship;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An SSL context that trusts the certificates of a trust store (the scorer's CA or certificate): a
 * PKCS12 file, or a PEM file of one or more X.509 certificates ({@code -----BEGIN CERTIFICATE-----}).
 */
public final class TlsTrust {
    private TlsTrust() {
    }

    public static SSLContext fromTrustStore(Path file, char[] password) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read scorer.trust-store " + file + " (" + e + ")", e);
        }
        try {
            KeyStore ks = isPem(bytes) ? fromPem(file, bytes) : pkcs12(file, bytes, password);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use scorer.trust-store " + file + " (" + e.getMessage()
                    + "); give a PEM file of the scorer's CA certificate(s) or a PKCS12 trust store with "
                    + "scorer.trust-store-password", e);
        }
    }

    private static boolean isPem(byte[] bytes) {
        return new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.US_ASCII).contains("-----BEGIN ");
    }

    private static KeyStore fromPem(Path file, byte[] bytes) throws GeneralSecurityException {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            String kind = text.substring(text.indexOf("-----BEGIN ") + 11).split("-----", 2)[0];
            throw new IllegalArgumentException("scorer.trust-store " + file + " is a PEM file holding " + kind
                    + ", not certificates; expected the CA certificate(s) that signed the scorer's certificate, "
                    + "as -----BEGIN CERTIFICATE----- blocks (never a private key)");
        }
        Collection<? extends Certificate> certs;
        try {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException("scorer.trust-store " + file + " is a PEM file whose certificates do "
                    + "not parse (" + e.getMessage() + "); expected X.509 certificates as -----BEGIN CERTIFICATE----- "
                    + "blocks", e);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int i = 0;
        for (Certificate c : certs) {
            ks.setCertificateEntry("scorer-ca-" + i++, c);
        }
        return ks;
    }

    private static KeyStore pkcs12(Path file, byte[] bytes, char[] password) throws GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(new ByteArrayInputStream(bytes), password);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot use scorer.trust-store " + file + ": it is neither a PEM file "
                    + "of certificates nor a PKCS12 trust store that opens with scorer.trust-store-password ("
                    + e.getMessage() + "); give the scorer's CA certificate as PEM (-----BEGIN CERTIFICATE-----), or "
                    + "a PKCS12 file and its password", e);
        }
        return ks;
    }
}
