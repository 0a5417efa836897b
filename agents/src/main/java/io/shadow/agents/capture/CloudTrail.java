package io.shadow.agents.capture;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Maps AWS CloudTrail records to events. Files come as delivered ({@code {"Records":[...]}}) or as
 * JSON lines of records. The record's {@code eventID} is the event id, so a record read twice lands
 * once. Fields not modelled (region, request parameters, …) are kept in {@code raw}.
 */
public final class CloudTrail {
    public static final String SOURCE = "cloudtrail";
    /** A delivered file, compact as CloudTrail writes it or indented as jq and the console show it. */
    private static final Pattern DELIVERED = Pattern.compile("\\{\\s*\"Records\"\\s*:");

    private CloudTrail() {
    }

    /** The records of a delivered file or of JSON-lines text; unreadable lines become rejections. */
    public static List<Mapped> mapAll(String text, String tenant) {
        return mapAll(text, tenant, null);
    }

    /** The same, naming {@code file} in the rejections of the file as a whole. */
    public static List<Mapped> mapAll(String text, String tenant, String file) {
        List<Mapped> out = new ArrayList<>();
        try {
            mapStream(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    tenant, file, out::add);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // not from an array
        }
        return out;
    }

    /**
     * Maps a delivered file ({@code {"Records":[...]}}, read record by record, never whole) or JSON
     * lines from {@code in}, handing each result to {@code out}. A file that is empty, is not valid
     * JSON, or whose {@code Records} is missing or not an array yields a rejection naming {@code file}
     * (after the records read before the damage).
     *
     * @throws IOException when {@code in} cannot be read (a truncated gzip, a file above the size limit)
     */
    public static void mapStream(InputStream in, String tenant, String file, Consumer<Mapped> out)
            throws IOException {
        BufferedInputStream buf = new BufferedInputStream(in, 1 << 16);
        buf.mark(1 << 12);
        byte[] start = buf.readNBytes(1 << 12);
        buf.reset();
        String head = new String(start, java.nio.charset.StandardCharsets.UTF_8).stripLeading();
        if (head.isEmpty()) {
            out.accept(new Mapped.Rejected(SOURCE, null, named(file) + " is empty (or only white space); a "
                    + "CloudTrail file holds {\"Records\":[...]} or one JSON record per line", ""));
            return;
        }
        if (DELIVERED.matcher(head).lookingAt()) {
            mapDelivered(buf, tenant, file, head.length() > 4096 ? head.substring(0, 4096) : head, out);
            return;
        }
        BufferedReader lines = new BufferedReader(new InputStreamReader(buf, java.nio.charset.StandardCharsets.UTF_8));
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (!line.isBlank()) {
                out.accept(mapLine(line, tenant));
            }
        }
    }

    private static String named(String file) {
        return file == null ? "file" : "file " + file;
    }

    private static void mapDelivered(InputStream in, String tenant, String file, String head, Consumer<Mapped> out)
            throws IOException {
        int records = 0;
        boolean sawRecords = false;
        try (JsonParser p = EventCodec.mapper().createParser(in)) {
            p.nextToken(); // the file's object
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!field.equals("Records")) {
                    p.skipChildren();
                    continue;
                }
                sawRecords = true;
                if (value != JsonToken.START_ARRAY) {
                    JsonNode v = EventCodec.mapper().readTree(p);
                    String shown = String.valueOf(v);
                    out.accept(new Mapped.Rejected(SOURCE, "Records", named(file) + ": Records is "
                            + (v == null || v.isNull() ? "null" : v.getNodeType().name().toLowerCase(Locale.ROOT))
                            + ", not an array of records; a CloudTrail file holds {\"Records\":[...]}",
                            shown.length() > 4096 ? shown.substring(0, 4096) : shown));
                    continue;
                }
                for (JsonToken r = p.nextToken(); r != JsonToken.END_ARRAY; r = p.nextToken()) {
                    if (r == null) {
                        throw new JsonParseException(p, "the Records array is not closed");
                    }
                    out.accept(map(EventCodec.mapper().readTree(p), tenant));
                    records++;
                }
            }
        } catch (JsonProcessingException e) {
            out.accept(new Mapped.Rejected(SOURCE, null, named(file) + " is not valid JSON" + (records > 0
                    ? " after its first " + records + " record(s)" : "") + " ("
                    + e.getOriginalMessage().lines().findFirst().orElse("") + (e.getLocation() == null ? ""
                    : " at byte " + e.getLocation().getByteOffset()) + ")" + (records > 0 ? "; the records before the damage were taken" : ""),
                    head));
            return;
        }
        if (!sawRecords) {
            out.accept(new Mapped.Rejected(SOURCE, "Records", named(file) + " has no Records array; a CloudTrail "
                    + "file holds {\"Records\":[...]}", head));
        }
    }

    public static Mapped mapLine(String line, String tenant) {
        try {
            return map(EventCodec.mapper().readTree(line), tenant);
        } catch (IOException e) {
            return new Mapped.Rejected(SOURCE, null, "not valid JSON", line);
        }
    }

    public static Mapped map(JsonNode r, String tenant) {
        String raw = r.toString();
        if (!r.isObject()) {
            return new Mapped.Rejected(SOURCE, null, "a CloudTrail record must be a JSON object", raw);
        }
        String eventTime = text(r, "eventTime");
        String eventName = text(r, "eventName");
        String eventSource = text(r, "eventSource");
        if (eventTime == null) {
            return new Mapped.Rejected(SOURCE, "eventTime", "missing eventTime", raw);
        }
        if (eventName == null || eventSource == null) {
            return new Mapped.Rejected(SOURCE, eventName == null ? "eventName" : "eventSource",
                    "missing " + (eventName == null ? "eventName" : "eventSource"), raw);
        }
        Instant time;
        try {
            time = Instant.parse(eventTime);
        } catch (DateTimeParseException e) {
            return new Mapped.Rejected(SOURCE, "eventTime", "eventTime '" + eventTime + "' is not ISO-8601", raw);
        }
        JsonNode id = r.path("userIdentity");
        String principal = principal(id);
        if (principal == null) {
            return new Mapped.Rejected(SOURCE, "userIdentity", "no user name, ARN or principal id in userIdentity",
                    raw);
        }
        String service = eventSource.replace(".amazonaws.com", "").toLowerCase(Locale.ROOT);
        ResourceType type = resourceType(service, eventName);
        JsonNode extra = r.path("additionalEventData");
        Map<String, String> rawFields = new LinkedHashMap<>();
        for (String k : List.of("awsRegion", "eventSource", "eventType", "readOnly", "requestID", "errorCode",
                "errorMessage", "recipientAccountId")) {
            String v = text(r, k);
            if (v != null) {
                rawFields.put(k, v);
            }
        }
        if (r.hasNonNull("requestParameters")) {
            rawFields.put("requestParameters", r.get("requestParameters").toString());
        }
        if (id.hasNonNull("type")) {
            rawFields.put("userIdentity.type", id.get("type").asText());
        }
        String tenantId = tenant != null ? tenant : firstNonNull(text(r, "recipientAccountId"),
                text(id, "accountId"), "default");
        ActivityEvent.Builder b = ActivityEvent.builder().tenant(tenantId).time(time)
                .eventClass(type == ResourceType.DATABASE ? EventClass.DATASTORE_ACTIVITY : EventClass.API_ACTIVITY)
                .operation(eventName).principal(principal).srcIp(text(r, "sourceIPAddress"))
                .userAgent(text(r, "userAgent")).resourceType(type).resourceId(resourceId(service, r))
                .outcome(r.hasNonNull("errorCode") ? Outcome.FAILURE : Outcome.SUCCESS)
                .bytesIn(Math.max(0, extra.path("bytesTransferredIn").asLong(0)))
                .bytesOut(Math.max(0, extra.path("bytesTransferredOut").asLong(0)))
                .raw(rawFields);
        String eventId = text(r, "eventID");
        if (eventId != null) {
            b.eventId(eventId);
        }
        return new Mapped.Event(b.build());
    }

    private static String principal(JsonNode id) {
        if ("Root".equals(text(id, "type"))) {
            return "root";
        }
        if ("AWSService".equals(text(id, "type")) && text(id, "invokedBy") != null) {
            return text(id, "invokedBy");
        }
        String user = text(id, "userName");
        if (user != null) {
            return user;
        }
        String arn = text(id, "arn");
        if (arn != null) {
            // arn:aws:sts::123:assumed-role/ROLE/SESSION -> ROLE/SESSION; arn:aws:iam::123:user/NAME -> NAME
            int slash = arn.indexOf('/');
            String tail = slash < 0 ? arn.substring(arn.lastIndexOf(':') + 1) : arn.substring(slash + 1);
            return arn.contains(":assumed-role/") ? tail : tail.substring(tail.lastIndexOf('/') + 1);
        }
        return text(id, "principalId");
    }

    static ResourceType resourceType(String service, String eventName) {
        return switch (service) {
            case "s3", "glacier", "efs", "fsx", "backup" -> ResourceType.DATA_STORAGE;
            case "rds", "dynamodb", "redshift", "docdb", "neptune", "elasticache" -> ResourceType.DATABASE;
            case "iam", "sts", "sso", "signin", "kms", "secretsmanager", "organizations", "cognito-idp",
                    "identitystore" -> ResourceType.IDENTITY;
            case "ec2" -> eventName.matches(".*(SecurityGroup|Vpc|Subnet|NetworkAcl|Route|Gateway|Address).*")
                    ? ResourceType.NETWORK : ResourceType.COMPUTE;
            case "elasticloadbalancing", "route53", "cloudfront", "apigateway", "networkfirewall" ->
                    ResourceType.NETWORK;
            case "ssm" -> ResourceType.PROCESS;
            default -> ResourceType.COMPUTE;
        };
    }

    private static String resourceId(String service, JsonNode r) {
        JsonNode p = r.path("requestParameters");
        if ("s3".equals(service) && p.hasNonNull("bucketName")) {
            return "s3://" + p.get("bucketName").asText();
        }
        JsonNode resources = r.path("resources");
        if (resources.isArray() && !resources.isEmpty() && resources.get(0).hasNonNull("ARN")) {
            return resources.get(0).get("ARN").asText();
        }
        for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            // RDS, Redshift and DocumentDB name their targets dBInstanceIdentifier, clusterIdentifier, …
            if ((k.endsWith("Name") || k.endsWith("Id") || k.endsWith("Identifier") || k.endsWith("Arn"))
                    && p.get(k).isTextual()) {
                return service + ":" + p.get(k).asText();
            }
        }
        return service;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }

    private static String firstNonNull(String... v) {
        for (String s : v) {
            if (s != null) {
                return s;
            }
        }
        return null;
    }
}
