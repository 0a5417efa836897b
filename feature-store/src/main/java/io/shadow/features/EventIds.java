package io.shadow.features;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Stable event ids. Sources that have their own id (CloudTrail's {@code eventID}, an audit log's
 * {@code auditID}) keep it; otherwise the id is a hash of the identifying fields, so a re-sent
 * event gets the same id and is de-duplicated downstream.
 */
public final class EventIds {
    private static final HexFormat HEX = HexFormat.of();

    private EventIds() {
    }

    public static String derive(Object... parts) {
        MessageDigest sha = sha256();
        for (Object part : parts) {
            String s = part instanceof Instant t ? Long.toString(t.getEpochSecond()) + "." + t.getNano()
                    : String.valueOf(part);
            sha.update(s.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0x1f);
        }
        byte[] digest = sha.digest();
        return HEX.formatHex(digest, 0, 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JVM without SHA-256", e);
        }
    }
}
