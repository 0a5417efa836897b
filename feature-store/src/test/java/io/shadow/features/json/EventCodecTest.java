package io.shadow.features.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    /** A minimal valid record; tests add or break one field at a time. */
    private static final String VALID = """
            {"time":"2026-11-25T10:15:30Z","class_uid":6003,"operation":"GetObject",
             "principal":"u-eng-01","resource_type":"data_storage"}""";

    private static EventFormatException rejected(String json) {
        return catchThrowableOfType(EventFormatException.class, () -> EventCodec.parse(json));
    }

    private static String with(String fieldsJson) {
        return VALID.substring(0, VALID.length() - 1) + "," + fieldsJson + "}";
    }

    @Test
    void everyFieldSurvivesARoundTrip() {
        ActivityEvent event = ActivityEvent.builder()
                .eventId("evt-1")
                .time(Instant.parse("2026-11-25T10:15:30.123456789Z"))
                .tenant("acme")
                .eventClass(EventClass.DATASTORE_ACTIVITY)
                .operation("Query")
                .principal("u-fin-02")
                .srcIp("10.20.2.12")
                .userAgent("psql/16.4")
                .host("db-1")
                .resourceType(ResourceType.DATABASE)
                .resourceId("db://finance")
                .outcome(Outcome.DENIED)
                .bytesIn(512)
                .bytesOut(4_000_000_000L)
                .cpuPct(12.5)
                .memPct(99.75)
                .raw(Map.of("query_id", "q-77", "region", "eu-west-1"))
                .build();

        ActivityEvent back = EventCodec.parse(EventCodec.toJson(event));

        assertThat(back).isEqualTo(event);
    }

    @Test
    void writesTheSnakeCaseWireFormat() {
        ActivityEvent event = EventCodec.parse(VALID);

        assertThat(EventCodec.toNode(event).toString()).isEqualTo("{\"event_id\":\"" + event.eventId() + "\","
                + "\"time\":\"2026-11-25T10:15:30Z\",\"tenant\":\"default\",\"class_uid\":6003,"
                + "\"operation\":\"GetObject\",\"principal\":\"u-eng-01\",\"resource_type\":\"data_storage\","
                + "\"outcome\":\"unknown\"}");
    }

    @Test
    void unknownFieldsAreKeptInRawBesideTheSendersOwnRaw() {
        ActivityEvent event = EventCodec.parse(with("""
                "raw":{"cmdline":"aws s3 ls","attempt":2},"aws_region":"eu-west-1",
                "request_parameters":{"bucketName":"eng-datasets"},"read_only":true"""));

        assertThat(event.raw()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "cmdline", "aws s3 ls",
                "attempt", "2",
                "aws_region", "eu-west-1",
                "request_parameters", "{\"bucketName\":\"eng-datasets\"}",
                "read_only", "true"));
    }

    @Test
    void defaultsTenantAndOutcomeAndAcceptsEpochMilliseconds() {
        ActivityEvent event = EventCodec.parse(VALID.replace("\"2026-11-25T10:15:30Z\"", "1795601730000"));

        assertThat(event.time()).isEqualTo(Instant.parse("2026-11-25T10:15:30Z"));
        assertThat(event.tenant()).isEqualTo("default");
        assertThat(event.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(event.bytesOut()).isZero();
        assertThat(event.cpuPct()).isNull();
    }

    @Test
    void aReaderThatMustNotGuessTheTenantRejectsAnEventWithoutOneOrGivesItItsOwnDefault() {
        for (String json : new String[] {VALID, with("\"tenant\":\"\""), with("\"tenant\":null")}) {
            EventFormatException e = catchThrowableOfType(EventFormatException.class,
                    () -> EventCodec.parse(json, null));
            assertThat(e.field()).as(json).isEqualTo("tenant");
            assertThat(e).hasMessage("field 'tenant': is required: the id of the tenant the event belongs to "
                    + "(case-sensitive, e.g. \"acme\"); its events are judged against that tenant's baselines");
        }
        assertThat(EventCodec.parse(with("\"tenant\":\"Acme\""), null).tenant()).isEqualTo("Acme");
        assertThat(EventCodec.parse(VALID, "acme").tenant()).isEqualTo("acme");
        assertThat(EventCodec.parse(with("\"tenant\":\"  \""), "acme").tenant()).as("a blank tenant is none")
                .isEqualTo("acme");
        assertThat(EventCodec.parse(VALID, "acme").eventId()).as("the id is derived with the tenant the event got")
                .isEqualTo(EventCodec.parse(with("\"tenant\":\"acme\"")).eventId());
    }

    @Test
    void missingTimeNamesTheFieldAndTheAcceptedForms() {
        EventFormatException e = rejected(VALID.replace("\"time\":\"2026-11-25T10:15:30Z\",", ""));

        assertThat(e.field()).isEqualTo("time");
        assertThat(e).hasMessage("field 'time': is required, as an ISO-8601 instant like 2026-11-25T10:15:30Z or "
                + "epoch milliseconds");
    }

    @Test
    void unparseableTimeQuotesTheValue() {
        EventFormatException e = rejected(VALID.replace("2026-11-25T10:15:30Z", "25/11/2026 10:15"));

        assertThat(e.field()).isEqualTo("time");
        assertThat(e).hasMessage("field 'time': '25/11/2026 10:15' is not an ISO-8601 instant; use a form like "
                + "2026-11-25T10:15:30Z");
    }

    @Test
    void missingClassUidListsTheOcsfClasses() {
        EventFormatException e = rejected(VALID.replace("\"class_uid\":6003,", ""));

        assertThat(e.field()).isEqualTo("class_uid");
        assertThat(e).hasMessage("field 'class_uid': is required (OCSF class: 6003 API activity, 6005 datastore, "
                + "1007 process, 1001 file, 4001 network, 99001 resource usage)");
    }

    @Test
    void unknownClassUidListsTheKnownOnes() {
        EventFormatException e = rejected(VALID.replace("6003", "3002"));

        assertThat(e.field()).isEqualTo("class_uid");
        assertThat(e).hasMessage("field 'class_uid': unknown OCSF class_uid 3002; expected one of [1001 "
                + "(file_activity), 1007 (process_activity), 4001 (network_activity), 6003 (api_activity), 6005 "
                + "(datastore_activity), 99001 (resource_usage)]");
    }

    @Test
    void classUidAsAStringIsRejected() {
        EventFormatException e = rejected(VALID.replace("6003", "\"6003\""));

        assertThat(e.field()).isEqualTo("class_uid");
        assertThat(e).hasMessage("field 'class_uid': expected an integer, got \"6003\"");
    }

    @Test
    void missingResourceTypeListsTheChoices() {
        EventFormatException e = rejected(VALID.replace(",\"resource_type\":\"data_storage\"", ""));

        assertThat(e.field()).isEqualTo("resource_type");
        assertThat(e).hasMessage("field 'resource_type': is required; one of data_storage, database, network, "
                + "compute, process, identity");
    }

    @Test
    void unknownResourceTypeQuotesTheValue() {
        EventFormatException e = rejected(VALID.replace("data_storage", "bucket"));

        assertThat(e.field()).isEqualTo("resource_type");
        assertThat(e).hasMessage("field 'resource_type': unknown resource_type 'bucket'; expected one of "
                + "[data_storage, database, network, compute, process, identity]");
    }

    @Test
    void negativeBytesAreRejected() {
        EventFormatException e = rejected(with("\"bytes_out\":-5"));

        assertThat(e.field()).isEqualTo("bytes_out");
        assertThat(e).hasMessage("field 'bytes_out': expected a non-negative integer number of bytes, got -5");
    }

    @Test
    void fractionalBytesAreRejected() {
        EventFormatException e = rejected(with("\"bytes_in\":1.5"));

        assertThat(e.field()).isEqualTo("bytes_in");
        assertThat(e).hasMessage("field 'bytes_in': expected a non-negative integer number of bytes, got 1.5");
    }

    @Test
    void cpuAbove100PercentIsRejected() {
        EventFormatException e = rejected(with("\"cpu_pct\":150"));

        assertThat(e.field()).isEqualTo("cpu_pct");
        assertThat(e).hasMessage("field 'cpu_pct': expected a percentage between 0 and 100, got 150");
    }

    @Test
    void anEventNeedsAPrincipalOrAHost() {
        EventFormatException e = rejected(VALID.replace("\"principal\":\"u-eng-01\",", ""));

        assertThat(e.field()).isEqualTo("principal");
        assertThat(e).hasMessage("field 'principal': an event needs a principal or a host to attribute it to "
                + "(an empty or blank one counts as none)");
    }

    @Test
    void aBlankPrincipalOrHostCountsAsNone() {
        for (String blank : new String[] {"\"\"", "\"   \""}) {
            EventFormatException e = rejected(VALID.replace("\"u-eng-01\"", blank));
            assertThat(e.field()).as(blank).isEqualTo("principal");
            assertThat(e).hasMessageEndingWith("(an empty or blank one counts as none)");
        }
        assertThat(rejected(VALID.replace("\"u-eng-01\"", "\"\",\"host\":\" \"")).field()).isEqualTo("principal");

        ActivityEvent onHost = EventCodec.parse(VALID.replace("\"u-eng-01\"", "\"\",\"host\":\"db-1\""));
        assertThat(onHost.principal()).isNull();
        assertThat(onHost.host()).isEqualTo("db-1");
    }

    @Test
    void aControlCharacterInAnIdIsRefusedNamingTheField() {
        EventFormatException e = rejected(VALID.replace("u-eng-01", "u-eng\\u000001"));
        assertThat(e.field()).isEqualTo("principal");
        assertThat(e).hasMessage("field 'principal': contains the control character U+0000: it must be plain text "
                + "(an id compared exactly); fix the sender's mapping");

        assertThat(rejected(with("\"host\":\"db\\n1\"")).field()).isEqualTo("host");
        assertThat(rejected(with("\"tenant\":\"ac\\tme\"")).field()).isEqualTo("tenant");
        assertThat(rejected(with("\"resource_id\":\"s3://a\\u0007\"")).field()).isEqualTo("resource_id");
    }

    @Test
    void aTenantWithSurroundingWhiteSpaceIsRefused() {
        EventFormatException e = rejected(with("\"tenant\":\" acme\""));

        assertThat(e.field()).isEqualTo("tenant");
        assertThat(e).hasMessage("field 'tenant': starts or ends with white space (' acme'): tenant ids are compared "
                + "exactly, so remove it");
        assertThat(rejected(with("\"tenant\":\"acme \"")).field()).isEqualTo("tenant");
    }

    @Test
    void aSecondValueAfterTheEventIsRefusedNotDropped() {
        EventFormatException e = rejected(VALID + " " + VALID);

        assertThat(e.field()).isNull();
        assertThat(e.getMessage()).startsWith("more than one JSON value: another one follows the event at line 2, column ")
                .endsWith("; send exactly one JSON object per event (in NDJSON, one per line)");
        assertThat(rejected(VALID + " garbage")).hasMessageStartingWith("not valid JSON at line 2, column 57 (");
    }

    @Test
    void aFieldGivenTwiceIsRefusedNamingIt() {
        EventFormatException e = rejected(with("\"tenant\":\"acme\",\"tenant\":\"globex\""));

        assertThat(e.field()).isEqualTo("tenant");
        assertThat(e).hasMessage("field 'tenant': appears twice in the event; which one was meant is unknown, so send "
                + "each field once");
    }

    @Test
    void aBatchWrappedInAnObjectIsNamedAsSuch() {
        EventFormatException e = rejected("{\"events\":[" + VALID + "]}");

        assertThat(e.field()).isNull();
        assertThat(e).hasMessage("expected an event, got an object with field 'events' holding an array; send each "
                + "event as a JSON object of its own");
    }

    @Test
    void aNumberWhereTextIsExpectedNamesTheField() {
        EventFormatException e = rejected(VALID.replace("\"u-eng-01\"", "42"));

        assertThat(e.field()).isEqualTo("principal");
        assertThat(e).hasMessage("field 'principal': expected a string, got number");
    }

    @Test
    void textThatIsNotJsonIsRejectedAsAWhole() {
        EventFormatException e = rejected("time=2026-11-25T10:15:30Z op=GetObject");

        assertThat(e.field()).isNull();
        assertThat(e.getMessage()).startsWith("not valid JSON at line 1, column 1 (").endsWith("); send one JSON "
                + "object per event");
    }

    @Test
    void anArrayOfEventsIsRejected() {
        EventFormatException e = rejected("[" + VALID + "]");

        assertThat(e.field()).isNull();
        assertThat(e).hasMessage("expected a JSON object per event, got array");
    }

    @Test
    void anEventOver64KiBIsRejectedNotTruncated() {
        String big = with("\"raw\":{\"blob\":\"" + "x".repeat(EventCodec.MAX_EVENT_BYTES) + "\"}");

        EventFormatException e = rejected(big);

        assertThat(e.field()).isNull();
        assertThat(e).hasMessage("event of " + big.length() + " bytes exceeds the limit of 65536; split it or "
                + "move bulky data out of 'raw'");
    }

    @Test
    void theLimitCountsUtf8BytesNotCharacters() {
        String euros = with("\"raw\":{\"blob\":\"" + "\u20ac".repeat(EventCodec.MAX_EVENT_BYTES / 2) + "\"}");

        EventFormatException e = rejected(euros);

        assertThat(euros.length()).isLessThan(EventCodec.MAX_EVENT_BYTES);
        assertThat(e).hasMessageStartingWith("event of " + euros.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                .length + " bytes exceeds the limit of 65536");
    }

    @Test
    void anEventJustUnderTheLimitIsAccepted() {
        String padded = with("\"raw\":{\"blob\":\"\"}");
        String fits = padded.replace("\"blob\":\"\"",
                "\"blob\":\"" + "x".repeat(EventCodec.MAX_EVENT_BYTES - padded.length()) + "\"");

        assertThat(fits).hasSize(EventCodec.MAX_EVENT_BYTES);
        assertThat(EventCodec.parse(fits).raw().get("blob")).hasSize(EventCodec.MAX_EVENT_BYTES - padded.length());
    }

    @Test
    void aResentEventWithoutIdGetsTheSameDerivedId() {
        ActivityEvent first = EventCodec.parse(with("\"src_ip\":\"10.20.1.11\""));
        ActivityEvent again = EventCodec.parse(with("\"src_ip\":\"10.20.1.11\""));

        assertThat(first.eventId()).matches("[0-9a-f]{32}").isEqualTo(again.eventId());
    }

    @Test
    void theDerivedIdMatchesTheOneAnAgentsBuilderDerives() {
        ActivityEvent parsed = EventCodec.parse(VALID);
        ActivityEvent built = ActivityEvent.builder().time(Instant.parse("2026-11-25T10:15:30Z"))
                .eventClass(EventClass.API_ACTIVITY).operation("GetObject").principal("u-eng-01")
                .resourceType(ResourceType.DATA_STORAGE).outcome(Outcome.UNKNOWN).build();

        // the outcome is part of the id: the builder's default (success) is not the wire format's (unknown)
        assertThat(parsed.eventId()).isEqualTo(built.eventId())
                .isNotEqualTo(built.toBuilder().eventId(null).outcome(Outcome.SUCCESS).build().eventId());
    }

    @Test
    void eventsDifferingInAnIdentifyingFieldGetDifferentIds() {
        String base = EventCodec.parse(VALID).eventId();

        assertThat(EventCodec.parse(VALID.replace("GetObject", "PutObject")).eventId()).isNotEqualTo(base);
        assertThat(EventCodec.parse(VALID.replace("10:15:30Z", "10:15:31Z")).eventId()).isNotEqualTo(base);
        assertThat(EventCodec.parse(VALID.replace("u-eng-01", "u-eng-02")).eventId()).isNotEqualTo(base);
        assertThat(EventCodec.parse(with("\"tenant\":\"globex\"")).eventId()).isNotEqualTo(base);
    }

    @Test
    void aBlankIdIsDerivedLikeAMissingOne() {
        String derived = EventCodec.parse(VALID).eventId();

        assertThat(EventCodec.parse(with("\"event_id\":\"\"")).eventId()).isEqualTo(derived);
        assertThat(EventCodec.parse(with("\"event_id\":\"  \"")).eventId()).isEqualTo(derived);
        assertThat(EventCodec.parse(VALID.replace("GetObject", "PutObject").replace("{", "{\"event_id\":\"\","))
                .eventId()).as("distinct events sent with a blank id keep distinct ids").isNotEqualTo(derived);
    }

    @Test
    void aSuppliedIdIsKept() {
        assertThat(EventCodec.parse(with("\"event_id\":\"cloudtrail-3f9a\"")).eventId()).isEqualTo("cloudtrail-3f9a");
    }

    @Test
    void eventsDifferingOnlyInOutcomeBytesUserAgentOrUsageGetDifferentIdsButRawDoesNotCount() {
        String base = EventCodec.parse(VALID).eventId();

        // a failed and then a successful login in the same second are two events, not a re-send
        assertThat(EventCodec.parse(with("\"outcome\":\"failure\"")).eventId())
                .isNotEqualTo(EventCodec.parse(with("\"outcome\":\"success\"")).eventId());
        assertThat(EventCodec.parse(with("\"bytes_in\":10")).eventId()).isNotEqualTo(base);
        assertThat(EventCodec.parse(with("\"bytes_out\":10")).eventId()).isNotEqualTo(base)
                .isNotEqualTo(EventCodec.parse(with("\"bytes_in\":10")).eventId());
        assertThat(EventCodec.parse(with("\"user_agent\":\"curl/8\"")).eventId()).isNotEqualTo(base);
        assertThat(EventCodec.parse(with("\"cpu_pct\":10")).eventId()).isNotEqualTo(base);
        assertThat(EventCodec.parse(with("\"mem_pct\":10")).eventId()).isNotEqualTo(base);
        assertThat(EventCodec.parse(with("\"raw\":{\"received\":\"x\"}")).eventId()).as("raw is not identifying")
                .isEqualTo(base);
        // the builder derives the same id as the wire format, so agents, scorer and ingest agree
        ActivityEvent parsed = EventCodec.parse(with("\"outcome\":\"failure\",\"bytes_out\":7,\"user_agent\":\"ua\""));
        assertThat(parsed.toBuilder().eventId(null).build().eventId()).isEqualTo(parsed.eventId());
        // pinned on purpose: a change here gives every event sent without an id a new id (see the upgrade note)
        assertThat(base).isEqualTo(PINNED_ID);
    }

    /** The derived id of {@link #VALID}; changing the derivation changes it (docs: upgrade note on derived ids). */
    private static final String PINNED_ID = "9cd599428c737df990e7d1b653733807";

    @Test
    void aTimeBeforeTheUnixEpochIsRefusedNamingTheRange() {
        EventFormatException e = rejected(VALID.replace("2026-11-25T10:15:30Z", "-999999999-01-01T00:00:00Z"));

        assertThat(e.field()).isEqualTo("time");
        assertThat(e.getMessage()).contains("'-999999999-01-01T00:00:00Z' is before 1970-01-01T00:00:00Z, the "
                + "earliest time accepted").contains("a bug of the sender");
        assertThat(rejected(VALID.replace("2026-11-25T10:15:30Z", "1969-12-31T23:59:59Z")).field()).isEqualTo("time");
        assertThat(EventCodec.parse(VALID.replace("2026-11-25T10:15:30Z", "1970-01-01T00:00:00Z")).time())
                .isEqualTo(Instant.EPOCH);
        assertThat(rejected(VALID.replace("\"2026-11-25T10:15:30Z\"", "-1")).getMessage())
                .contains("-1 (epoch milliseconds) is before 1970-01-01T00:00:00Z");
    }

    @Test
    void aNumericTimeMustFitALongAndLookLikeMilliseconds() {
        EventFormatException huge = rejected(VALID.replace("\"2026-11-25T10:15:30Z\"", "18446745869459661301"));
        assertThat(huge.field()).isEqualTo("time");
        assertThat(huge).hasMessageContaining("18446745869459661301 does not fit in a 64-bit integer of epoch "
                + "milliseconds");

        EventFormatException seconds = rejected(VALID.replace("\"2026-11-25T10:15:30Z\"", "1795688130"));
        assertThat(seconds.field()).isEqualTo("time");
        assertThat(seconds).hasMessageContaining("1795688130 read as epoch milliseconds is 1970-01-21T18:48:08.130Z, "
                + "which looks like epoch seconds").hasMessageContaining("seconds × 1000");
        assertThat(EventCodec.parse(VALID.replace("\"2026-11-25T10:15:30Z\"", "1795688130000")).time())
                .isEqualTo(Instant.ofEpochSecond(1795688130L));

        for (String fractional : new String[] {"1795688130000.5", "1.79568813e12"}) {
            EventFormatException e = rejected(VALID.replace("\"2026-11-25T10:15:30Z\"", fractional));
            assertThat(e.field()).isEqualTo("time");
            assertThat(e).as(fractional).hasMessageContaining(" is not epoch milliseconds written as a whole number "
                    + "(digits only, no fraction or exponent); send whole milliseconds");
        }
    }

    @Test
    void invalidJsonNamesLineAndColumnInPlainWords() {
        EventFormatException e = rejected("{\"time\":\n \"2026-11-25T10:15:30Z\",");

        assertThat(e.field()).isNull();
        assertThat(e.getMessage()).startsWith("not valid JSON at line 2, column ").doesNotContain("Source")
                .doesNotContain("REDACTED");
    }
}
