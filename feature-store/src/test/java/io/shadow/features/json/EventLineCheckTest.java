package io.shadow.features.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.ResourceType;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventLineCheckTest {
    private static final String VALID = EventCodec.toJson(ActivityEvent.builder().eventId("e-1").tenant("acme")
            .time(Instant.parse("2026-11-09T10:00:00Z")).eventClass(EventClass.API_ACTIVITY).operation("GetObject")
            .principal("alice").srcIp("10.0.0.1").resourceType(ResourceType.DATA_STORAGE).resourceId("s3://b")
            .bytesOut(10).raw(Map.of("awsRegion", "eu-west-1")).build());

    @Test
    void aValidLineWithItsIdPassesAndParsesTheSame() {
        assertThat(EventLineCheck.validWithId(VALID)).isTrue();
        assertThat(EventCodec.parse(VALID).eventId()).isEqualTo("e-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"event_id\":\"e-1\",", "\"2026-11-09T10:00:00Z\"", "6003", "\"data_storage\"", "\"GetObject\"",
        "\"alice\"", "\"success\"", "10}"})
    void anythingTheFullCodecWouldRejectOrCompleteFailsTheFastPath(String part) {
        String broken = switch (part) {
            case "\"event_id\":\"e-1\"," -> VALID.replace(part, "");
            case "\"2026-11-09T10:00:00Z\"" -> VALID.replace(part, "\"yesterday\"");
            case "6003" -> VALID.replace(part, "1234");
            case "\"data_storage\"" -> VALID.replace(part, "\"quantum\"");
            case "\"GetObject\"" -> VALID.replace(part, "\" \"");
            case "\"alice\"" -> VALID.replace("\"principal\":\"alice\",", "");
            case "\"success\"" -> VALID.replace(part, "\"maybe\"");
            default -> VALID.replace("\"bytes_out\":10", "\"bytes_out\":-10");
        };
        assertThat(EventLineCheck.validWithId(broken)).as(broken).isFalse();
    }

    @Test
    void whatTheFullCodecNowRefusesOrDerivesTakesTheFullCodecToo() {
        String[] lines = {
            VALID.replace("\"e-1\"", "\"  \""),                                  // a blank id is derived
            VALID.replace("\"alice\"", "\" \""),                                 // a blank principal is none
            VALID.replace("\"alice\"", "\"al\\u0000ice\""),                      // a control character
            VALID.replace("\"s3://b\"", "\"s3://b\\n\""),
            VALID.replace("\"acme\"", "\" acme\""),                              // a padded tenant
            VALID.replace("\"tenant\":\"acme\",", "\"tenant\":\"acme\",\"tenant\":\"globex\","), // twice
            VALID.replace("\"tenant\":\"acme\",", "\"tenant\":\"acme\",\"region\":\"eu\",\"region\":\"us\","),
            VALID.replace("{\"awsRegion\"", "{\"a\":1,\"a\":2,\"awsRegion\""),            // twice inside raw
            VALID.replace("{\"awsRegion\"", "{\"x\":[{\"k\":1},{\"k\":2,\"k\":3}],\"awsRegion\""), // deeper
            VALID.replace("{\"awsRegion\"", "{" + manyNames(12) + ",\"n3\":0,\"awsRegion\""),    // past the few
            VALID.replace("{\"awsRegion\"", "{\"x\":[[{" + manyNames(9) + ",\"n9\":0}]],\"awsRegion\""),
            VALID.replace("2026-11-09T10:00:00Z", "1969-12-31T23:59:59Z"),         // before the Unix epoch
            VALID.replace("2026-11-09T10:00:00Z", "-999999999-01-01T00:00:00Z"),
            VALID.replace("\"2026-11-09T10:00:00Z\"", "-1"),
            VALID.replace("\"2026-11-09T10:00:00Z\"", "1762682400"),             // epoch seconds
            VALID.replace("\"2026-11-09T10:00:00Z\"", "18446745869459661301"),   // beyond a long
        };
        for (String line : lines) {
            assertThat(EventLineCheck.validWithId(line)).as(line).isFalse();
            byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(EventLineCheck.validWithId(bytes, 0, bytes.length)).as(line).isFalse();
        }
    }

    private static String manyNames(int count) {
        return java.util.stream.IntStream.rangeClosed(1, count).mapToObj(i -> "\"n" + i + "\":" + i)
                .collect(java.util.stream.Collectors.joining(","));
    }

    @Test
    void rawWithManyDistinctNamesPasses() {
        String line = VALID.replace("{\"awsRegion\"", "{\"x\":[{" + manyNames(20) + "}]," + manyNames(8)
                + ",\"awsRegion\"");

        assertThat(EventLineCheck.validWithId(line)).as(line).isTrue();
        assertThat(EventCodec.parse(line).raw()).containsKeys("x", "n8");
    }

    @Test
    void rawNestedBeyondTheParsersDepthLimitFailsTheFastPathWithoutThrowing() {
        String line = VALID.replace("{\"awsRegion\"", "{\"x\":" + "[".repeat(3000) + "1"
                + "]".repeat(3000) + ",\"awsRegion\"");
        assertThat(line.length()).as("short enough to be parsed").isLessThan(EventCodec.MAX_EVENT_BYTES / 3);

        assertThat(EventLineCheck.validWithId(line)).isFalse();
    }

    @Test
    void rawWithTheSameNameAtDifferentLevelsStillPasses() {
        String line = VALID.replace("{\"awsRegion\"", "{\"k\":{\"k\":[{\"k\":1},{\"k\":2}]},\"awsRegion\"");

        assertThat(EventLineCheck.validWithId(line)).as(line).isTrue();
        assertThat(EventCodec.parse(line).raw()).containsKey("k");
    }

    @Test
    void byteCountsAboveTheLimitFailTheFastPathInBothForms() {
        byte[] bytes = VALID.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(EventLineCheck.validWithId(VALID, 10)).isTrue();
        assertThat(EventLineCheck.validWithId(VALID, 9)).isFalse();
        assertThat(EventLineCheck.validWithId(bytes, 0, bytes.length, 10)).isTrue();
        assertThat(EventLineCheck.validWithId(bytes, 0, bytes.length, 9)).isFalse();
        String huge = VALID.replace("\"bytes_out\":10", "\"bytes_out\":" + (TransferLimit.DEFAULT_MAX_BYTES + 1));
        assertThat(EventLineCheck.validWithId(huge)).as("the default limit").isFalse();
    }

    @Test
    void aLineWithoutItsTenantTakesTheFullCodecWhichNamesOrStampsIt() {
        assertThat(EventLineCheck.validWithId(VALID.replace("\"tenant\":\"acme\",", ""))).isFalse();
        assertThat(EventLineCheck.validWithId(VALID.replace("\"acme\"", "\" \""))).isFalse();
        assertThat(EventLineCheck.validWithId(VALID.replace("\"acme\"", "null"))).isFalse();
    }

    @Test
    void trailingGarbageAndNonObjectsFail() {
        assertThat(EventLineCheck.validWithId(VALID + " {}")).isFalse();
        assertThat(EventLineCheck.validWithId("[" + VALID + "]")).isFalse();
        assertThat(EventLineCheck.validWithId("not json")).isFalse();
        assertThat(EventLineCheck.validWithId(EventCodec.rejected("cloudtrail", "eventTime", "missing", "{}")))
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2026-11-09T10:00:00Z", "2026-11-09T10:00:00.073Z", "2026-11-09T10:00:00.123456789Z", "2024-02-29T23:59:59Z",
        "2000-02-29T00:00:00Z", "2026-11-09T10:00:00+01:00", "2026-11-09T10:00:00.5+00:00", "2026-02-29T10:00:00Z",
        "1900-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-13-01T10:00:00Z", "2026-11-09T24:00:00Z",
        "2026-11-09T10:60:00Z", "2026-11-09T10:00:61Z", "2026-11-09T10:00:00.Z", "2026-11-09T10:00:00.1234567890Z",
        "2026-11-09 10:00:00Z", "2026-11-09T10:00:00", "2026-1a-09T10:00:00Z", "2026-11-09T10:00:00.07aZ"})
    void timesPassExactlyWhenTheFullCodecAcceptsThem(String time) {
        String line = VALID.replace("2026-11-09T10:00:00Z", time);
        boolean parses;
        try {
            parses = EventCodec.parse(line).time().equals(Instant.parse(time));
        } catch (EventFormatException e) {
            parses = false;
        }
        assertThat(EventLineCheck.validWithId(line)).as(time).isEqualTo(parses);
        assertThat(EventLineCheck.validWithId(line.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0,
                line.length())).as(time).isEqualTo(parses);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "2026-11-09T10:00:00Z", "2026-11-09T10:00:00.073Z", "2026-11-09T10:00:00.5Z", "2026-11-09T10:00:00.07Z",
        "2026-11-09T10:00:00.123456789Z", "2026-11-09T10:00:00.123000000Z", "2024-02-29T23:59:59.999Z",
        "1970-01-01T00:00:01Z", "2099-12-31T23:59:59.9999Z", "2026-11-09T10:00:00+01:00"})
    void aTimeAfterTheLatestAllowedFailsTheFastPathToTheNanosecondInEveryForm(String time) {
        Instant t = Instant.parse(time);
        long ms = t.toEpochMilli(); // rounded down
        long exact = t.getNano() % 1_000_000 == 0 ? ms : ms + 1; // the first whole millisecond at or after it
        // numeric times are epoch milliseconds from 1973 on (EventCodec.MIN_EPOCH_MILLIS)
        String[] lines = ms < EventCodec.MIN_EPOCH_MILLIS ? new String[] {VALID.replace("2026-11-09T10:00:00Z", time)}
                : new String[] {VALID.replace("2026-11-09T10:00:00Z", time),
                    VALID.replace("\"2026-11-09T10:00:00Z\"", Long.toString(ms))};
        for (String line : lines) {
            boolean numeric = !line.contains(time);
            long first = numeric ? ms : exact;
            byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(EventLineCheck.validWithId(line, TransferLimit.DEFAULT_MAX_BYTES, first)).as(line).isTrue();
            assertThat(EventLineCheck.validWithId(bytes, 0, bytes.length, TransferLimit.DEFAULT_MAX_BYTES, first))
                    .as(line).isTrue();
            assertThat(EventLineCheck.validWithId(line, TransferLimit.DEFAULT_MAX_BYTES, first - 1)).as(line).isFalse();
            assertThat(EventLineCheck.validWithId(bytes, 0, bytes.length, TransferLimit.DEFAULT_MAX_BYTES, first - 1))
                    .as(line).isFalse();
        }
    }

    @Test
    void otherSpellingsOfResourceTypesAndOutcomesStillPass() {
        assertThat(EventLineCheck.validWithId(VALID.replace("\"data_storage\"", "\"DATA_STORAGE\""))).isTrue();
        assertThat(EventLineCheck.validWithId(VALID.replace("\"success\"", "\"Success\""))).isTrue();
    }

    @Test
    void invalidUtf8FailsTheFastPathOfBytesEvenWhereTheParserLetsItThrough() {
        byte[] good = VALID.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int at = VALID.indexOf("alice") + 2;
        for (byte[] bad : new byte[][] {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0xAC}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            byte[] line = new byte[good.length + bad.length];
            System.arraycopy(good, 0, line, 0, at);
            System.arraycopy(bad, 0, line, at, bad.length);
            System.arraycopy(good, at, line, at + bad.length, good.length - at);

            assertThat(EventLineCheck.validWithId(line, 0, line.length)).as(java.util.Arrays.toString(bad)).isFalse();
            assertThat(Utf8Text.invalidAt(line, 0, line.length)).isEqualTo(at);
        }
        byte[] accented = VALID.replace("alice", "alicé").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(EventLineCheck.validWithId(accented, 0, accented.length)).isTrue();
    }
}
