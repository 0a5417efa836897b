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
    void trailingGarbageAndNonObjectsFail() {
        assertThat(EventLineCheck.validWithId(VALID + " {}")).isFalse();
        assertThat(EventLineCheck.validWithId("[" + VALID + "]")).isFalse();
        assertThat(EventLineCheck.validWithId("not json")).isFalse();
        assertThat(EventLineCheck.validWithId(EventCodec.rejected("cloudtrail", "eventTime", "missing", "{}")))
                .isFalse();
    }
}
