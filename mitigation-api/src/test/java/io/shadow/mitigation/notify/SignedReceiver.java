package io.shadow.mitigation.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver as a partner system would write it: it checks the signature header itself
 * (HMAC-SHA256 over "timestamp.body", 5 minutes tolerance), answers 401 to a bad one, and answers
 * 503 to the first {@code failFirst} well-signed attempts.
 */
final class SignedReceiver implements AutoCloseable {
    /** One request as received. */
    record Received(long atMillis, String event, String attempt, boolean signatureValid, int answered, String body) {
    }

    private final HttpServer server;
    private final String secret;
    private final AtomicInteger toFail;
    final List<Received> received = new CopyOnWriteArrayList<>();

    SignedReceiver(String secret, int failFirst) throws IOException {
        this.secret = secret;
        this.toFail = new AtomicInteger(failFirst);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean valid = valid(ex.getRequestHeaders().getFirst("X-Shadow-Signature"), body);
            int status = !valid ? 401 : toFail.getAndDecrement() > 0 ? 503 : 204;
            received.add(new Received(System.currentTimeMillis(), ex.getRequestHeaders().getFirst("X-Shadow-Event"),
                    ex.getRequestHeaders().getFirst("X-Shadow-Attempt"), valid, status, body));
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private boolean valid(String header, String body) {
        if (header == null || !header.matches("t=\\d+,v1=[0-9a-f]{64}")) {
            return false;
        }
        String t = header.substring(2, header.indexOf(','));
        if (Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
            return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    header.substring(header.indexOf("v1=") + 3).getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
