package io.shadow.agents.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.Operations;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import io.shadow.features.json.EventFormatException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CloudTrailTest {
    private static final String ACCOUNT = "123456789012";

    private static List<ActivityEvent> events(List<Mapped> mapped) {
        return mapped.stream().filter(Mapped.Event.class::isInstance).map(m -> ((Mapped.Event) m).event()).toList();
    }

    private static List<Mapped.Rejected> rejections(List<Mapped> mapped) {
        return mapped.stream().filter(Mapped.Rejected.class::isInstance).map(Mapped.Rejected.class::cast).toList();
    }

    private static Map<String, ActivityEvent> deliveredById() {
        List<Mapped> mapped = CloudTrail.mapAll(Fixtures.text(Fixtures.DELIVERED), null);
        assertThat(rejections(mapped)).isEmpty();
        return events(mapped).stream().collect(Collectors.toMap(ActivityEvent::eventId, Function.identity()));
    }

    private static JsonNode json(String text) throws Exception {
        return EventCodec.mapper().readTree(text);
    }

    private static JsonNode json0(String text) {
        try {
            return json(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void deliveredFileMapsEveryRecordKeepingItsEventId() {
        Map<String, ActivityEvent> byId = deliveredById();

        assertThat(byId).containsOnlyKeys("3b9c2a1e-5f4d-4c8e-9a7b-1d2e3f4a5b6c",
                "c8d1e2f3-a4b5-4c6d-8e7f-9a0b1c2d3e4f", "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9",
                "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", "e4d3c2b1-a0f9-4e8d-7c6b-5a4f3e2d1c0b");
        assertThat(byId.values()).extracting(ActivityEvent::tenant).containsOnly(ACCOUNT);
    }

    @Test
    void s3DataEventOfAnIamUser() throws Exception {
        ActivityEvent e = deliveredById().get("3b9c2a1e-5f4d-4c8e-9a7b-1d2e3f4a5b6c");

        assertThat(e.principal()).isEqualTo("alice");
        assertThat(e.time()).isEqualTo(Instant.parse("2026-11-09T10:01:12Z"));
        assertThat(e.eventClass()).isEqualTo(EventClass.API_ACTIVITY);
        assertThat(e.operation()).isEqualTo("GetObject");
        assertThat(e.resourceType()).isEqualTo(ResourceType.DATA_STORAGE);
        assertThat(e.resourceId()).isEqualTo("s3://acme-payroll");
        assertThat(e.bytesOut()).isEqualTo(52_428_800L);
        assertThat(e.bytesIn()).isZero();
        assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(e.srcIp()).isEqualTo("203.0.113.10");
        assertThat(e.userAgent()).startsWith("[aws-cli/2.15.0");
        assertThat(e.raw()).containsEntry("awsRegion", "eu-west-1").containsEntry("eventSource", "s3.amazonaws.com")
                .containsEntry("recipientAccountId", ACCOUNT).containsEntry("userIdentity.type", "IAMUser")
                .containsEntry("readOnly", "true");
        assertThat(json(e.raw().get("requestParameters")).path("key").asText()).isEqualTo("2026/11/salaries.csv");
    }

    @Test
    void assumedRoleSessionIsRoleSlashSessionAndIamIsIdentity() {
        ActivityEvent e = deliveredById().get("c8d1e2f3-a4b5-4c6d-8e7f-9a0b1c2d3e4f");

        assertThat(e.principal()).isEqualTo("Admin/alice");
        assertThat(e.operation()).isEqualTo("AttachUserPolicy");
        assertThat(Operations.isPrivileged(e.operation())).isTrue();
        assertThat(e.resourceType()).isEqualTo(ResourceType.IDENTITY);
        assertThat(e.resourceId()).isEqualTo("iam:mallory");
        assertThat(e.raw()).containsEntry("awsRegion", "us-east-1").containsEntry("userIdentity.type", "AssumedRole");
    }

    @Test
    void anAwsServiceActingOnItsOwnIsNamedByTheService() {
        Mapped m = CloudTrail.mapLine("{\"eventTime\":\"2026-11-09T10:00:00Z\",\"eventSource\":\"kms.amazonaws.com\","
                + "\"eventName\":\"Decrypt\",\"userIdentity\":{\"type\":\"AWSService\",\"invokedBy\":"
                + "\"s3.amazonaws.com\"},\"eventID\":\"svc-1\",\"recipientAccountId\":\"123456789012\"}", null);

        assertThat(m).isInstanceOf(Mapped.Event.class);
        assertThat(((Mapped.Event) m).event().principal()).isEqualTo("s3.amazonaws.com");
    }

    @Test
    void rootConsoleLoginIsRoot() {
        ActivityEvent e = deliveredById().get("5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9");

        assertThat(e.principal()).isEqualTo("root");
        assertThat(e.operation()).isEqualTo("ConsoleLogin");
        assertThat(e.resourceType()).isEqualTo(ResourceType.IDENTITY);
        assertThat(e.raw()).doesNotContainKey("requestParameters");
    }

    @Test
    void securityGroupChangeIsNetwork() {
        ActivityEvent e = deliveredById().get("9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d");

        assertThat(e.principal()).isEqualTo("bob");
        assertThat(e.resourceType()).isEqualTo(ResourceType.NETWORK);
        assertThat(e.resourceId()).isEqualTo("ec2:sg-0a1b2c3d4e5f67890");
    }

    @Test
    void deniedDatabaseDeleteIsAFailedDatastoreActivityOnTheInstance() {
        ActivityEvent e = deliveredById().get("e4d3c2b1-a0f9-4e8d-7c6b-5a4f3e2d1c0b");

        assertThat(e.resourceType()).isEqualTo(ResourceType.DATABASE);
        assertThat(e.eventClass()).isEqualTo(EventClass.DATASTORE_ACTIVITY);
        assertThat(e.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(Operations.isDelete(e.operation())).isTrue();
        assertThat(e.resourceId()).isEqualTo("rds:orders-prod");
        assertThat(e.raw()).containsEntry("errorCode", "AccessDenied")
                .hasEntrySatisfying("errorMessage", m -> assertThat(m).contains("rds:DeleteDBInstance"));
    }

    @Test
    void aConfiguredTenantWinsOverTheAccount() {
        assertThat(events(CloudTrail.mapAll(Fixtures.text(Fixtures.DELIVERED), "acme")))
                .hasSize(5).extracting(ActivityEvent::tenant).containsOnly("acme");
    }

    @Test
    void whatShipsParsesBackToTheMappedEvent() {
        for (Mapped m : CloudTrail.mapAll(Fixtures.text(Fixtures.DELIVERED), null)) {
            ActivityEvent mapped = ((Mapped.Event) m).event();
            assertThat(EventCodec.parse(m.line())).isEqualTo(mapped);
            assertThat(m.line()).contains("\"event_id\":\"" + mapped.eventId() + "\"");
        }
    }

    @Test
    void compactAndPrettyPrintedDeliveredFilesMapAlike() throws Exception {
        // CloudTrail writes one compact line; a file saved through jq or the console is indented
        String compact = json(Fixtures.text(Fixtures.DELIVERED)).toString();

        assertThat(events(CloudTrail.mapAll(compact, null)))
                .containsExactlyElementsOf(events(CloudTrail.mapAll(Fixtures.text(Fixtures.DELIVERED), null)));
    }

    @Test
    void jsonLinesMapGoodRecordsAndRejectTheRestInOrder() {
        List<Mapped> mapped = CloudTrail.mapAll(Fixtures.text(Fixtures.CLOUDTRAIL_LINES), null);

        assertThat(mapped).hasSize(6);
        assertThat(mapped).extracting(m -> m.getClass().getSimpleName())
                .containsExactly("Event", "Event", "Rejected", "Rejected", "Rejected", "Event");
        assertThat(events(mapped)).extracting(ActivityEvent::principal, ActivityEvent::operation)
                .containsExactly(tuple("alice", "PutObject"),
                        tuple("Admin/alice", "CreateAccessKey"),
                        tuple("root", "DeleteAccountPasswordPolicy"));
        assertThat(events(mapped).get(0).bytesIn()).isEqualTo(18_342L);
        assertThat(events(mapped).get(0).resourceId()).isEqualTo("s3://acme-exports");
    }

    @Test
    void rejectionsNameTheFieldTheReasonAndKeepTheRecord() {
        List<String> lines = Fixtures.lines(Fixtures.CLOUDTRAIL_LINES);
        List<Mapped.Rejected> rejected = rejections(CloudTrail.mapAll(Fixtures.text(Fixtures.CLOUDTRAIL_LINES), null));

        assertThat(rejected).extracting(Mapped.Rejected::source).containsOnly("cloudtrail");
        assertThat(rejected).extracting(Mapped.Rejected::field, Mapped.Rejected::reason).containsExactly(
                tuple("eventTime", "missing eventTime"),
                tuple("eventTime", "eventTime '09/11/2026 11:01' is not ISO-8601"),
                tuple(null, "not valid JSON"));
        assertThat(rejected.get(2).record()).isEqualTo(lines.get(4));
        assertThat(json0(rejected.get(0).record()).path("eventID").asText())
                .isEqualTo("33333333-4444-4555-8666-777777777777");
    }

    @Test
    void rejectionsReachIngestAsFormatErrorsWithFieldAndOriginalRecord() {
        List<String> lines = Fixtures.lines(Fixtures.CLOUDTRAIL_LINES);

        Mapped badTime = CloudTrail.mapLine(lines.get(3), null);
        assertThatThrownBy(() -> EventCodec.parse(badTime.line()))
                .asInstanceOf(type(EventFormatException.class))
                .satisfies(e -> {
                    assertThat(e.field()).isEqualTo("eventTime");
                    assertThat(e.getMessage()).isEqualTo(
                            "field 'eventTime': cloudtrail record: eventTime '09/11/2026 11:01' is not ISO-8601");
                    assertThat(e.rawRecord()).isEqualTo(json0(lines.get(3)).toString());
                });

        Mapped notJson = CloudTrail.mapLine(lines.get(4), null);
        assertThatThrownBy(() -> EventCodec.parse(notJson.line()))
                .asInstanceOf(type(EventFormatException.class))
                .satisfies(e -> {
                    assertThat(e.field()).isNull();
                    assertThat(e.getMessage()).isEqualTo("cloudtrail record: not valid JSON");
                    assertThat(e.rawRecord()).isEqualTo(lines.get(4));
                });
    }

    @Test
    void recordsWithoutAnIdentityOrEventNameAreRejectedByName() {
        Mapped noName = CloudTrail.mapLine("{\"eventTime\":\"2026-11-09T10:00:00Z\",\"eventSource\":\"s3.amazonaws.com\","
                + "\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"alice\"}}", null);
        Mapped noIdentity = CloudTrail.mapLine("{\"eventTime\":\"2026-11-09T10:00:00Z\",\"eventSource\":"
                + "\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"userIdentity\":{\"type\":\"Unknown\"}}", null);
        Mapped notObject = CloudTrail.mapLine("[1,2]", null);

        assertThat(noName).isEqualTo(new Mapped.Rejected("cloudtrail", "eventName", "missing eventName",
                ((Mapped.Rejected) noName).record()));
        assertThat(((Mapped.Rejected) noIdentity).field()).isEqualTo("userIdentity");
        assertThat(((Mapped.Rejected) noIdentity).reason())
                .isEqualTo("no user name, ARN or principal id in userIdentity");
        assertThat(((Mapped.Rejected) notObject).reason()).isEqualTo("a CloudTrail record must be a JSON object");
    }

    @Test
    void aBrokenDeliveredFileIsOneRejectionWithItsText() {
        String broken = "{\"Records\":[{\"eventTime\":\"2026-11-09T10:00:00Z\",";

        List<Mapped> mapped = CloudTrail.mapAll(broken, null);

        assertThat(mapped).singleElement().asInstanceOf(type(Mapped.Rejected.class)).satisfies(r -> {
            assertThat(r.reason()).startsWith("file is not valid JSON (");
            assertThat(r.record()).isEqualTo(broken);
        });
    }

    @ParameterizedTest
    @CsvSource({
            "s3, GetObject, DATA_STORAGE",
            "dynamodb, Scan, DATABASE",
            "sts, AssumeRole, IDENTITY",
            "kms, Decrypt, IDENTITY",
            "ec2, AuthorizeSecurityGroupIngress, NETWORK",
            "ec2, CreateVpc, NETWORK",
            "ec2, RunInstances, COMPUTE",
            "ssm, SendCommand, PROCESS",
            "lambda, Invoke, COMPUTE"})
    void resourceTypeByService(String service, String eventName, ResourceType expected) {
        assertThat(CloudTrail.resourceType(service, eventName)).isEqualTo(expected);
    }
}
