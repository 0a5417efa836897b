package io.shadow.agents.ship;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Tells a TLS misconfiguration from an outage: a certificate the agent does not trust names
 * {@code scorer.trust-store} (one it trusts but that expired, or is not valid yet, says so and names the
 * clock), a host the certificate does not name names {@code scorer.url}, and a
 * scheme that does not match what the port speaks (found by a short probe of the port) names
 * {@code scorer.url}. Anything else is an outage (null).
 */
final class TlsProblems {
    private static final int PROBE_MS = 2_000;

    private TlsProblems() {
    }

    /** What is wrong with the TLS set-up for {@code uri}, or null when {@code e} looks like an outage. */
    static String explain(URI uri, IOException e) {
        String where = uri.getHost() + ":" + port(uri);
        String chain = messages(e);
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        if (https && (has(e, CertificateException.class) || chain.contains("PKIX path")
                || chain.contains("unable to find valid certification path"))) {
            Throwable expired = find(e, CertificateExpiredException.class);
            Throwable early = find(e, CertificateNotYetValidException.class);
            if (expired != null || early != null) {
                // trusted, but outside its dates: renewing it (or fixing the clock) is the fix, not the trust store
                return "the scorer's certificate at " + where + (expired != null ? " has expired (" + expired.getMessage()
                        : " is not valid yet (" + early.getMessage()) + "); " + (expired != null
                        ? "renew the scorer's certificate (if it is still valid, " : "(if it is valid now, ")
                        + "this machine's clock is wrong: it reads " + LocalDate.now(ZoneOffset.UTC) + " UTC)";
            }
            if (chain.contains("No subject alternative") || chain.contains("No name matching")) {
                return "the scorer's certificate at " + where + " does not name host " + uri.getHost() + " ("
                        + firstLine(chain) + "); set scorer.url to a host name the certificate names, or have the "
                        + "certificate reissued for this one";
            }
            return "the scorer's certificate at " + where + " is not trusted (" + firstLine(chain) + "); set "
                    + "scorer.trust-store to a PEM file (or PKCS12 trust store) holding the CA certificate that "
                    + "signed the scorer's certificate, or the scorer's own certificate";
        }
        // a plain HTTP server reading a TLS hello waits for a request line: the handshake times out
        if (https && (has(e, SSLException.class) || has(e, java.net.http.HttpTimeoutException.class))) {
            if (speaksPlainHttp(uri)) {
                return "scorer.url is https://" + where + ", but the scorer there speaks "
                        + "plain HTTP, not TLS (" + firstLine(chain) + "); set scorer.url to http://" + where
                        + ", or turn TLS on at the scorer";
            }
            return null;
        }
        if (!https && !has(e, java.net.ConnectException.class) && !has(e, java.net.http.HttpConnectTimeoutException.class)
                && speaksTls(uri)) {
            return "scorer.url is http://" + where + " (plain HTTP), but the scorer there speaks TLS (" + firstLine(chain)
                    + "); set scorer.url to https://" + where + " (and scorer.trust-store to its CA certificate)";
        }
        return null;
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        return find(e, type) != null;
    }

    private static Throwable find(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }

    private static String firstLine(String chain) {
        for (String l : chain.split("\n")) {
            if (l.contains("SSL") || l.contains("Certificate") || l.contains("PKIX")) {
                return l;
            }
        }
        return chain.lines().findFirst().orElse("");
    }

    /** Whether the port completes a TLS handshake (certificates not checked: nothing is sent over it). */
    private static boolean speaksTls(URI uri) {
        try {
            SSLContext any = SSLContext.getInstance("TLS");
            any.init(null, new TrustManager[] {new TrustAll()}, null);
            try (Socket raw = new Socket()) {
                raw.connect(new InetSocketAddress(uri.getHost(), port(uri)), PROBE_MS);
                raw.setSoTimeout(PROBE_MS);
                try (SSLSocket tls = (SSLSocket) any.getSocketFactory().createSocket(raw, uri.getHost(), port(uri),
                        false)) {
                    tls.startHandshake();
                    return true;
                }
            }
        } catch (SSLHandshakeException notTls) {
            return false;
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** Whether the port answers a plain HTTP request with an HTTP status line. */
    private static boolean speaksPlainHttp(URI uri) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port(uri)), PROBE_MS);
            s.setSoTimeout(PROBE_MS);
            OutputStream out = s.getOutputStream();
            out.write(("HEAD / HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] b = in.readNBytes(5);
            return new String(b, StandardCharsets.US_ASCII).equals("HTTP/");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
