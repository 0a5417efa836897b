package io.shadow.agents.ship;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.shadow.agents.spool.Spool;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the agent does with the scorer's answers: a real HTTP server on port 0 answers as the scorer would. */
class ScorerShipperTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private Spool spool;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        if (spool != null) {
            spool.close();
        }
    }

    /** A scorer that answers every batch with {@code status} and {@code body}, counting the batches. */
    private ScorerShipper shipperAgainst(int status, String body, AtomicInteger batches) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/events", ex -> {
            ex.getRequestBody().readAllBytes();
            batches.incrementAndGet();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        spool = Spool.open(dir.resolve("spool"), 1 << 20, 16 << 20);
        spool.append(List.of("{\"event_id\":\"a\"}".getBytes(StandardCharsets.UTF_8),
                "{\"event_id\":\"b\"}".getBytes(StandardCharsets.UTF_8)));
        return new ScorerShipper(spool, URI.create("http://127.0.0.1:" + server.getAddress().getPort()), "t", 100,
                HttpClient.newHttpClient());
    }

    /** A scorer on port 0 answering each batch with the status {@code statusOf} gives its body. */
    private void scorer(java.util.function.ToIntFunction<byte[]> statusOf) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/events", ex -> {
            int status = statusOf.applyAsInt(ex.getRequestBody().readAllBytes());
            byte[] b = (status == 200 ? "{\"accepted\":1,\"rejected\":0,\"errors\":[]}" : "{\"status\":" + status
                    + "}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
    }

    @Test
    void aBatchTheScorerRefusesEventByEventIsCountedAndNotSentAgain() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        ScorerShipper shipper = shipperAgainst(400, "{\"status\":400,\"error\":\"no valid event in the batch\","
                + "\"accepted\":0,\"rejected\":2,\"errors\":[{\"index\":0,\"field\":\"tenant\",\"error\":\"is required\"},"
                + "{\"index\":1,\"field\":\"tenant\",\"error\":\"is required\"}]}", batches);

        ScorerShipper.Attempt a = shipper.shipOnce();

        assertThat(a.shipped()).isEqualTo(2);
        assertThat(a.retryAfter()).isEmpty();
        assertThat(shipper.shipOnce().shipped()).as("nothing left to send").isZero();
        assertThat(batches).hasValue(1);
        assertThat(shipper.rejectedByScorer()).isEqualTo(2);
        assertThat(spool.cursor(ScorerShipper.CONSUMER)).isEqualTo(2);
    }

    @Test
    void batchesStayBelowTheScorersBodyLimitAndShrinkOnA413() throws Exception {
        int limit = 200 << 10; // a scorer with server.max-request-bytes of 200 KiB
        List<List<String>> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        scorer(in -> {
            if (in.length > limit) {
                return 413;
            }
            received.add(new String(in, StandardCharsets.UTF_8).lines()
                    .map(l -> l.substring(l.indexOf("\"id-") + 1, l.indexOf("\",\"pad\""))).toList());
            return 200;
        });
        spool = Spool.open(dir.resolve("spool"), 1 << 20, 64 << 20);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 260; i++) { // 260 events of 20 KB: 5.2 MB, more than one request may carry
            ids.add("id-" + i);
            spool.appendOne(("{\"event_id\":\"id-" + i + "\",\"pad\":\"" + "x".repeat(20_000) + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        ScorerShipper shipper = new ScorerShipper(spool, URI.create("http://127.0.0.1:" + server.getAddress()
                .getPort()), "t", 500, HttpClient.newHttpClient());

        for (int i = 0; i < 100 && spool.cursor(ScorerShipper.CONSUMER) < 260; i++) {
            shipper.shipOnce();
        }

        assertThat(received.stream().flatMap(List::stream).toList()).as("each once, in order").isEqualTo(ids);
        assertThat(received).allSatisfy(b -> assertThat(b.size() * 20_000).isLessThanOrEqualTo(limit));
        assertThat(spool.cursor(ScorerShipper.CONSUMER)).isEqualTo(260);
    }

    @Test
    void anEventLargerThanTheScorerTakesIsCountedAsRefusedAndTheStreamGoesOn() throws Exception {
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        scorer(in -> { // a scorer taking at most 1000 bytes a request
            if (in.length > 1000) {
                return 413;
            }
            received.addAll(new String(in, StandardCharsets.UTF_8).lines().toList());
            return 200;
        });
        spool = Spool.open(dir.resolve("spool"), 1 << 20, 16 << 20);
        spool.append(List.of("{\"event_id\":\"a\"}".getBytes(StandardCharsets.UTF_8),
                ("{\"event_id\":\"big\",\"pad\":\"" + "x".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8),
                "{\"event_id\":\"b\"}".getBytes(StandardCharsets.UTF_8)));
        ScorerShipper shipper = new ScorerShipper(spool, URI.create("http://127.0.0.1:" + server.getAddress()
                .getPort()), "t", 100, HttpClient.newHttpClient());

        for (int i = 0; i < 20 && spool.cursor(ScorerShipper.CONSUMER) < 3; i++) {
            shipper.shipOnce();
        }

        assertThat(received).containsExactly("{\"event_id\":\"a\"}", "{\"event_id\":\"b\"}");
        assertThat(shipper.rejectedByScorer()).isEqualTo(1);
        assertThat(spool.cursor(ScorerShipper.CONSUMER)).isEqualTo(3);
    }

    @Test
    void aBatchIsCutAtFourMebibytes() throws Exception {
        List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        scorer(in -> {
            sizes.add(in.length);
            return 200;
        });
        spool = Spool.open(dir.resolve("spool"), 1 << 20, 64 << 20);
        for (int i = 0; i < 260; i++) {
            spool.appendOne(("{\"event_id\":\"id-" + i + "\",\"pad\":\"" + "x".repeat(20_000) + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        ScorerShipper shipper = new ScorerShipper(spool, URI.create("http://127.0.0.1:" + server.getAddress()
                .getPort()), "t", 500, HttpClient.newHttpClient());

        ScorerShipper.Attempt first = shipper.shipOnce();

        assertThat(sizes.get(0)).isLessThanOrEqualTo(ScorerShipper.MAX_BATCH_BYTES).isGreaterThan(3 << 20);
        assertThat(spool.cursor(ScorerShipper.CONSUMER)).as("only what was sent").isEqualTo(first.shipped())
                .isLessThan(260);
        shipper.shipOnce();
        assertThat(spool.cursor(ScorerShipper.CONSUMER)).isEqualTo(260);
    }

    @Test
    void aServerErrorIsRetriedAndTheCursorStays() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        ScorerShipper shipper = shipperAgainst(500, "{\"status\":500,\"error\":\"boom\"}", batches);

        ScorerShipper.Attempt a = shipper.shipOnce();

        assertThat(a.shipped()).isZero();
        assertThat(a.retryAfter()).isPresent();
        assertThat(spool.cursor(ScorerShipper.CONSUMER)).isZero();
    }

    @Test
    void anOverloadedScorerIsTriedAgainAfterItsRetryAfterSpreadByJitter() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/events", ex -> {
            ex.getRequestBody().readAllBytes();
            batches.incrementAndGet();
            ex.getResponseHeaders().set("Retry-After", "4");
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        server.start();
        spool = Spool.open(dir.resolve("spool"), 1 << 20, 16 << 20);
        spool.append(List.of("{\"event_id\":\"a\"}".getBytes(StandardCharsets.UTF_8)));
        ScorerShipper shipper = new ScorerShipper(spool, URI.create("http://127.0.0.1:"
                + server.getAddress().getPort()), "t", 100, HttpClient.newHttpClient());

        java.util.Set<Long> waits = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            ScorerShipper.Attempt a = shipper.shipOnce();
            assertThat(a.error()).get().asString().endsWith("is busy (HTTP 503), retry after 4 s");
            long ms = a.retryAfter().orElseThrow().toMillis();
            assertThat(ms).isBetween(4000L, 6000L);
            waits.add(ms);
        }
        assertThat(waits).as("twenty agents turned away at once do not all come back together").hasSizeGreaterThan(10);
        assertThat(spool.cursor(ScorerShipper.CONSUMER)).isZero();
        assertThat(batches).hasValue(20);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDateAndKeptWithinFiveMinutes() {
        java.time.Instant now = java.time.Instant.parse("2026-11-27T12:00:00Z");
        assertThat(ScorerShipper.retryAfterSeconds(java.util.Optional.of(" 7 "), now)).isEqualTo(7);
        assertThat(ScorerShipper.retryAfterSeconds(java.util.Optional.of("Fri, 27 Nov 2026 12:00:42 GMT"), now))
                .isEqualTo(42);
        assertThat(ScorerShipper.retryAfterSeconds(java.util.Optional.of("Fri, 27 Nov 2026 11:00:00 GMT"), now))
                .as("a date already past").isEqualTo(1);
        assertThat(ScorerShipper.retryAfterSeconds(java.util.Optional.of("86400"), now)).isEqualTo(300);
        assertThat(ScorerShipper.retryAfterSeconds(java.util.Optional.of("0"), now)).isEqualTo(1);
        assertThat(ScorerShipper.retryAfterSeconds(java.util.Optional.of("soon"), now)).isEqualTo(1);
        assertThat(ScorerShipper.retryAfterSeconds(java.util.Optional.empty(), now)).isEqualTo(1);
    }

    @Test
    void theAgentsOwnRejectionsAreNotSentToTheScorer() throws Exception {
        java.util.List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
        scorer(in -> {
            bodies.add(new String(in, StandardCharsets.UTF_8));
            return 200;
        });
        spool = Spool.open(dir.resolve("spool"), 1 << 20, 16 << 20);
        String rejection = io.shadow.features.json.EventCodec.rejected("k8s-audit", null, "not valid JSON", "{oops");
        spool.append(List.of(rejection.getBytes(StandardCharsets.UTF_8),
                "{\"event_id\":\"a\"}".getBytes(StandardCharsets.UTF_8), rejection.getBytes(StandardCharsets.UTF_8)));
        spool.append(List.of(rejection.getBytes(StandardCharsets.UTF_8)));
        ScorerShipper shipper = new ScorerShipper(spool, URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                "t", 3, HttpClient.newHttpClient());

        assertThat(shipper.shipOnce().shipped()).isEqualTo(3);
        assertThat(shipper.shipOnce().shipped()).as("a batch of rejections only: nothing sent").isEqualTo(1);

        assertThat(bodies).containsExactly("{\"event_id\":\"a\"}\n");
        assertThat(spool.cursor(ScorerShipper.CONSUMER)).isEqualTo(4);
        assertThat(shipper.rejectedByScorer()).isZero();
    }

    // --- TLS: a real HTTPS server with a certificate made by keytool ---

    private static final String PASS = "changeit";

    private Path keyStore() throws Exception {
        Path ks = dir.resolve("scorer.p12");
        if (!java.nio.file.Files.exists(ks)) {
            keytool("-genkeypair", "-alias", "scorer", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                    "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", ks.toString(), "-storepass", PASS, "-keypass", PASS);
            keytool("-exportcert", "-rfc", "-alias", "scorer", "-keystore", ks.toString(), "-storepass", PASS,
                    "-file", dir.resolve("scorer.pem").toString());
        }
        return ks;
    }

    private static void keytool(String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    /** A scorer over TLS that accepts every batch; returns its port. */
    private int tlsScorer() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(keyStore())) {
            ks.load(in, PASS.toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASS.toCharArray());
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(
                new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(ctx));
        https.createContext("/v1/events", ex -> {
            long lines = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).lines().count();
            byte[] b = ("{\"accepted\":" + lines + ",\"rejected\":0,\"errors\":[]}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        https.start();
        server = https;
        spool = Spool.open(dir.resolve("spool"), 1 << 20, 16 << 20);
        spool.append(List.of("{\"event_id\":\"a\"}".getBytes(StandardCharsets.UTF_8)));
        return https.getAddress().getPort();
    }

    @Test
    void anUntrustedCertificateIsAnErrorNamingTheTrustStoreNotAnOutage() throws Exception {
        int port = tlsScorer();
        ScorerShipper shipper = new ScorerShipper(spool, URI.create("https://127.0.0.1:" + port), "t", 100,
                HttpClient.newHttpClient());
        try (io.shadow.agents.LogLines log = new io.shadow.agents.LogLines(ScorerShipper.class)) {
            ScorerShipper.Attempt a = shipper.shipOnce();

            assertThat(a.shipped()).isZero();
            assertThat(a.error()).get().asString().startsWith("the scorer's certificate at 127.0.0.1:" + port
                    + " is not trusted (").endsWith("); set scorer.trust-store to a PEM file (or PKCS12 trust store) "
                    + "holding the CA certificate that signed the scorer's certificate, or the scorer's own certificate");
            assertThat(log.lines()).singleElement().asString().startsWith("ERROR the scorer's certificate at ")
                    .doesNotContain("unreachable");
        }
    }

    @Test
    void anExpiredCertificateSaysSoNotThatItIsUntrusted() throws Exception {
        // a CA the agent trusts, and a scorer certificate it signed that expired eight days ago
        Path ca = dir.resolve("ca.p12");
        Path ks = dir.resolve("scorer.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Test CA",
                "-ext", "bc:c", "-validity", "30", "-storetype", "PKCS12", "-keystore", ca.toString(),
                "-storepass", PASS, "-keypass", PASS);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASS,
                "-file", dir.resolve("ca.pem").toString());
        keytool("-genkeypair", "-alias", "scorer", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", PASS,
                "-keypass", PASS);
        keytool("-certreq", "-alias", "scorer", "-keystore", ks.toString(), "-storepass", PASS,
                "-file", dir.resolve("scorer.csr").toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASS,
                "-infile", dir.resolve("scorer.csr").toString(), "-outfile", dir.resolve("scorer.crt").toString(),
                "-startdate", "-10d", "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(),
                "-keystore", ks.toString(), "-storepass", PASS);
        keytool("-importcert", "-noprompt", "-alias", "scorer", "-file", dir.resolve("scorer.crt").toString(),
                "-keystore", ks.toString(), "-storepass", PASS, "-keypass", PASS);
        int port = tlsScorer();
        HttpClient http = HttpClient.newBuilder().sslContext(TlsTrust.fromTrustStore(dir.resolve("ca.pem"),
                new char[0])).build();
        ScorerShipper shipper = new ScorerShipper(spool, URI.create("https://127.0.0.1:" + port), "t", 100, http);

        ScorerShipper.Attempt a = shipper.shipOnce();

        assertThat(a.shipped()).isZero();
        assertThat(a.error()).get().asString().startsWith("the scorer's certificate at 127.0.0.1:" + port
                + " has expired (").contains("NotAfter: ").endsWith("); renew the scorer's certificate (if it "
                + "is still valid, this machine's clock is wrong: it reads " + java.time.LocalDate.now(
                java.time.ZoneOffset.UTC) + " UTC)");
        assertThat(spool.cursor(ScorerShipper.CONSUMER)).isZero();
    }

    @Test
    void aPemTrustStoreIsAccepted() throws Exception {
        int port = tlsScorer();
        HttpClient http = HttpClient.newBuilder().sslContext(TlsTrust.fromTrustStore(dir.resolve("scorer.pem"),
                new char[0])).build();
        ScorerShipper shipper = new ScorerShipper(spool, URI.create("https://127.0.0.1:" + port), "t", 100, http);

        assertThat(shipper.shipOnce().shipped()).isEqualTo(1);
        assertThat(spool.cursor(ScorerShipper.CONSUMER)).isEqualTo(1);
        // and as PKCS12 still
        HttpClient p12 = HttpClient.newBuilder().sslContext(TlsTrust.fromTrustStore(dir.resolve("scorer.p12"),
                PASS.toCharArray())).build();
        assertThat(p12).isNotNull();
    }

    @Test
    void aPemFileWithoutCertificatesIsRefusedPlainly() throws Exception {
        Path key = java.nio.file.Files.writeString(dir.resolve("key.pem"),
                "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TlsTrust.fromTrustStore(key, new char[0]))
                .hasMessage("scorer.trust-store " + key + " is a PEM file holding PRIVATE KEY, not certificates; "
                        + "expected the CA certificate(s) that signed the scorer's certificate, as -----BEGIN "
                        + "CERTIFICATE----- blocks (never a private key)");
    }

    @Test
    void plainHttpToATlsPortNamesScorerUrl() throws Exception {
        int port = tlsScorer();
        ScorerShipper shipper = new ScorerShipper(spool, URI.create("http://127.0.0.1:" + port), "t", 100,
                HttpClient.newHttpClient());

        assertThat(shipper.shipOnce().error()).get().asString().startsWith("scorer.url is http://127.0.0.1:" + port
                + " (plain HTTP), but the scorer there speaks TLS (").endsWith("); set scorer.url to https://127.0.0.1:"
                + port + " (and scorer.trust-store to its CA certificate)");
    }

    @Test
    void httpsToAPlainPortNamesScorerUrl() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        shipperAgainst(200, "{}", batches);
        int port = server.getAddress().getPort();
        // as the agent's client: a plain server waits for a request line, the TLS handshake times out
        ScorerShipper shipper = new ScorerShipper(spool, URI.create("https://127.0.0.1:" + port), "t", 100,
                HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(2)).build());

        assertThat(shipper.shipOnce().error()).get().asString().startsWith("scorer.url is https://127.0.0.1:" + port
                + ", but the scorer there speaks plain HTTP, not TLS (").endsWith("); set scorer.url to "
                + "http://127.0.0.1:" + port + ", or turn TLS on at the scorer");
    }
}
