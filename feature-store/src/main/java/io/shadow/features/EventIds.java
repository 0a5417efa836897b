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

    /**
     * The id of an event sent without one: a hash of every field that tells two events apart, so that a
     * re-sent event gets the same id (and is de-duplicated by the scorer and the nightly ingest's MERGE)
     * while two distinct events do not. That is the tenant, time, class, operation, principal, host,
     * resource id, source address, and, since ids also cover them, outcome, bytes in and out, user agent
     * and CPU and memory percentages: a failed and then a successful login in the same second, or two
     * transfers of different sizes, are two events. {@code raw} is not part of it (extra fields a source
     * adds, such as a receive timestamp, may differ between re-sends of the same event). The one
     * derivation for the wire format ({@code EventCodec}) and {@link ActivityEvent.Builder} alike, so an
     * agent, the scorer and the ingest give an event the same id.
     */
    public static String forEvent(String tenant, Instant time, EventClass eventClass, String operation,
            String principal, String host, String resourceId, String srcIp, Outcome outcome, long bytesIn,
            long bytesOut, String userAgent, Double cpuPct, Double memPct) {
        return derive(tenant, time, eventClass, operation, principal, host, resourceId, srcIp, outcome, bytesIn,
                bytesOut, userAgent, cpuPct, memPct);
    }

    /** A hash of {@code parts} (instants by seconds and nanoseconds, the rest by their text). */
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
