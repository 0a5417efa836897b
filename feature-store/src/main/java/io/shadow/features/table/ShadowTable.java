package io.shadow.features.table;

import static io.shadow.features.table.Column.optional;
import static io.shadow.features.table.Column.required;
import static io.shadow.features.table.ColumnType.DATE;
import static io.shadow.features.table.ColumnType.DOUBLE;
import static io.shadow.features.table.ColumnType.INT;
import static io.shadow.features.table.ColumnType.LONG;
import static io.shadow.features.table.ColumnType.MAP_STRING_STRING;
import static io.shadow.features.table.ColumnType.STRING;
import static io.shadow.features.table.ColumnType.TIMESTAMP;

import java.util.List;

/**
 * Every Delta table Shadow keeps: its layer, location under the warehouse root, columns and
 * partitioning. Spark jobs create and write them from these definitions; the online path reads
 * them with Delta Kernel.
 */
public enum ShadowTable {
    EVENTS("bronze/events", List.of("event_date"), List.of(
            required("event_id", STRING, "stable id; ingest de-duplicates on it"),
            required("time", TIMESTAMP, "when the activity happened"),
            required("event_date", DATE, "UTC date of time; the partition column"),
            required("tenant", STRING, "client the event belongs to"),
            required("class_uid", INT, "OCSF class"),
            required("operation", STRING, "API call, query, process action or sample kind"),
            optional("principal", STRING, "user or service id"),
            optional("src_ip", STRING, "source address"),
            optional("user_agent", STRING, "client user agent"),
            optional("host", STRING, "host the activity ran on"),
            required("resource_type", STRING, "data_storage, database, network, compute, process, identity"),
            optional("resource_id", STRING, "bucket, table, executable, key id …"),
            required("outcome", STRING, "success, failure or unknown"),
            required("bytes_in", LONG, "bytes uploaded"),
            required("bytes_out", LONG, "bytes downloaded / sent"),
            optional("cpu_pct", DOUBLE, "CPU sample, resource-usage events"),
            optional("mem_pct", DOUBLE, "memory sample, resource-usage events"),
            optional("raw", MAP_STRING_STRING, "source fields not modelled above"),
            required("ingested_at", TIMESTAMP, "when ingest wrote the row"))),
    QUARANTINE("bronze/quarantine", List.of(), List.of(
            required("received_at", TIMESTAMP, "when ingest saw the record"),
            optional("source_file", STRING, "landing-zone file it came from"),
            optional("field", STRING, "the field at fault, if one"),
            required("reason", STRING, "why it was rejected"),
            required("raw_text", STRING, "the record exactly as received"))),
    FEATURES("silver/features", List.of("bucket_date"), List.of(
            required("tenant", STRING, "client"),
            required("entity_kind", STRING, "principal or host"),
            required("entity_id", STRING, "principal or host name"),
            required("bucket_start", TIMESTAMP, "start of the 5-minute bucket"),
            required("bucket_date", DATE, "UTC date of bucket_start; the partition column"),
            required("feature", STRING, "feature name, see Feature"),
            required("value", DOUBLE, "bucket value (sum or mean); sparse: a sum feature's zero buckets have no "
                    + "row, they are the buckets of the entity's feature_spans without one"))),
    FEATURE_SPANS("silver/feature_spans", List.of("bucket_date"), List.of(
            required("tenant", STRING, "client"),
            required("entity_kind", STRING, "principal or host"),
            required("entity_id", STRING, "principal or host name"),
            required("bucket_date", DATE, "UTC date the span lies in; the partition column"),
            required("first_bucket", TIMESTAMP, "first 5-minute bucket the entity's features cover on that date"),
            required("last_bucket", TIMESTAMP, "last bucket covered; sum features are zero in covered buckets "
                    + "without a features row"))),
    NOVELTY_PARTIALS("silver/novelty_partials", List.of("event_date"), List.of(
            required("tenant", STRING, "client"),
            required("entity_kind", STRING, "principal or host"),
            required("entity_id", STRING, "entity"),
            required("attribute", STRING, "see NoveltyAttribute"),
            required("value", STRING, "a value the entity showed on that date"),
            required("count", LONG, "how often, outside confirmed and unreviewed incidents"),
            required("first_seen", TIMESTAMP, "first time that date"),
            required("last_seen", TIMESTAMP, "last time that date"),
            required("event_date", DATE, "the bronze partition counted; the partition column"),
            required("source", STRING, "fingerprint of what was counted (the date's bronze files and the incident "
                    + "windows touching it); novelty profiles recount a date whose fingerprint changed"))),
    BASELINES("gold/baselines", List.of(), List.of(
            required("tenant", STRING, "client"),
            required("entity_kind", STRING, "principal or host"),
            required("entity_id", STRING, "entity, or * for the population prior"),
            required("feature", STRING, "feature name"),
            required("hour", INT, "hour of day 0-23 (UTC), or -1 for all hours"),
            required("median", DOUBLE, "median bucket value on the feature's scale: as stored in silver/features, "
                    + "except bytes_in, bytes_out and net_out, kept as ln(1 + bytes) over active buckets only (see "
                    + "the features below)"),
            required("scale", DOUBLE, "robust spread: max(1.4826 x MAD, (p95 - median) / 1.645)"),
            required("mean", DOUBLE, "mean bucket value"),
            required("variance", DOUBLE, "variance of bucket values"),
            required("diff_median", DOUBLE, "median first difference into buckets of this hour"),
            required("diff_scale", DOUBLE, "robust spread of those first differences"),
            required("samples", LONG, "buckets the figures rest on"),
            required("computed_at", TIMESTAMP, "when the nightly run computed it"))),
    NOVELTY_PROFILES("gold/novelty_profiles", List.of(), List.of(
            required("tenant", STRING, "client"),
            required("entity_kind", STRING, "principal or host"),
            required("entity_id", STRING, "entity"),
            required("attribute", STRING, "see NoveltyAttribute"),
            required("value", STRING, "a value the entity has shown"),
            required("count", LONG, "how often"),
            required("first_seen", TIMESTAMP, "first time"),
            required("last_seen", TIMESTAMP, "last time"))),
    INCIDENTS("gold/incidents", List.of(), Incident.columns(
            required("label", INT, "1 confirmed incident (a mitigation approved or modified), 0 benign (every "
                    + "mitigation rejected by someone other than the entity itself)"),
            required("decided_at", TIMESTAMP, "when a user or the import labelled it"))),
    UNREVIEWED_INCIDENTS("gold/unreviewed_incidents", List.of(), Incident.columns(
            required("band", STRING, "risk band the incident was mitigated in: medium or high (low-band incidents "
                    + "count as normal unreviewed)"),
            required("opened_at", TIMESTAMP, "when the mitigation API opened it (listed for 30 days from then)"))),
    FEEDBACK("gold/feedback", List.of(), List.of(
            required("feedback_id", STRING, "id in the mitigation store"),
            required("mitigation_id", STRING, "the mitigation decided on"),
            required("incident_id", STRING, "its incident"),
            required("tenant", STRING, "client"),
            required("entity_kind", STRING, "principal or host"),
            required("entity_id", STRING, "entity"),
            required("pattern", STRING, "anomaly pattern"),
            required("decision", STRING, "approve, reject or modify"),
            optional("comment", STRING, "what the user said"),
            required("decided_by", STRING, "user id"),
            required("own_activity", ColumnType.BOOLEAN, "the decider decided on their own activity (not a "
                    + "security review: such a rejection does not label the incident benign)"),
            required("decided_at", TIMESTAMP, "when"))),
    PATTERN_STATS("gold/pattern_stats", List.of(), List.of(
            required("tenant", STRING, "client"),
            required("pattern", STRING, "anomaly pattern"),
            required("confirmed", LONG, "confirmed incidents with this pattern"),
            required("rejected", LONG, "mitigations of this pattern users rejected"),
            required("computed_at", TIMESTAMP, "when"))),
    ENTITY_PATTERN_STATS("gold/entity_pattern_stats", List.of(), List.of(
            required("tenant", STRING, "client"),
            required("entity_kind", STRING, "principal or host"),
            required("entity_id", STRING, "entity"),
            required("pattern", STRING, "anomaly pattern"),
            required("confirmed", LONG, "this entity's confirmed incidents (approved or modified mitigations)"),
            required("rejected", LONG, "this entity's incidents whose mitigations users all rejected"),
            optional("rejected_max_score", DOUBLE, "the largest detector score of this pattern in the entity's "
                    + "rejected incidents: a rejection steps down anomalies up to 1.5 times it (null: none replayed)"),
            optional("confirmed_max_score", DOUBLE, "the largest detector score of this pattern in the entity's "
                    + "confirmed incidents: a confirmation steps up anomalies from two thirds of it (null: none "
                    + "replayed)"),
            optional("confirmed_weight", DOUBLE, "the confirmed incidents as they count now, each halved for every "
                    + "180 days of age (from its end to the newest activity of the run; null: each counts whole)"),
            optional("rejected_weight", DOUBLE, "the rejected incidents as they count now, weighted the same way"),
            required("computed_at", TIMESTAMP, "when"))),
    PROFILE_SUGGESTIONS("gold/profile_suggestions", List.of(), List.of(
            required("tenant", STRING, "client"),
            required("profile", STRING, "mitigation profile users keep modifying"),
            required("modifications", LONG, "mitigations of this profile users modified"),
            required("mitigations", LONG, "mitigations of this profile users decided on"),
            required("users", LONG, "distinct users who modified it"),
            required("removed", STRING, "actions users took out, with how often"),
            required("added", STRING, "actions users put in, with how often"),
            required("suggestion", STRING, "the change to the profile the modifications point to"),
            required("computed_at", TIMESTAMP, "when"))),
    TRAINING_SET("gold/training_set", List.of(), List.of(
            required("tenant", STRING, "client"),
            required("entity_kind", STRING, "principal or host"),
            required("entity_id", STRING, "entity"),
            required("time", TIMESTAMP, "when the anomaly was raised"),
            required("pattern", STRING, "anomaly pattern"),
            required("severity", DOUBLE, "severity factor 0-1"),
            required("resource_risk", DOUBLE, "resource-type risk factor 0-1"),
            required("prior_incidents", DOUBLE, "prior-incident factor 0-1"),
            required("threat_intel", DOUBLE, "threat-intelligence factor 0-1"),
            required("label", INT, "1 inside a confirmed incident, else 0 (anomalies inside an incident nobody "
                    + "has reviewed yet are left out: their label is not known)"))),
    THREAT_INDICATORS("silver/threat_indicators", List.of(), List.of(
            required("indicator_id", STRING, "stable key: feed object id and value; MERGE key of the sync"),
            required("object_id", STRING, "feed object (STIX indicator id, or indicator_id for list entries)"),
            required("type", STRING, "ipv4, ipv6, cidr, domain, url, md5, sha1, sha256, user_agent"),
            required("value", STRING, "normalised value: canonical CIDR, lower-case domain, hash, URL"),
            required("source", STRING, "feed name: file name or taxii:<collection title>"),
            required("confidence", DOUBLE, "0-1 (STIX confidence / 100)"),
            optional("valid_from", TIMESTAMP, "not before; null: always"),
            optional("valid_until", TIMESTAMP, "not from (exclusive); null: open-ended"),
            required("revoked", ColumnType.BOOLEAN, "withdrawn by the feed or superseded by a newer version"),
            optional("modified", TIMESTAMP, "version of the feed object; null for unversioned lists"),
            required("synced_at", TIMESTAMP, "when the sync last wrote the row")));

    /** The columns both incident tables start with (an enum constant cannot read a static field of its enum). */
    private static final class Incident {
        static List<Column> columns(Column... more) {
            List<Column> out = new java.util.ArrayList<>(List.of(
                    required("incident_id", STRING, "id in the mitigation store"),
                    required("tenant", STRING, "client"),
                    required("entity_kind", STRING, "principal or host"),
                    required("entity_id", STRING, "entity"),
                    required("start_time", TIMESTAMP, "first anomalous activity"),
                    required("end_time", TIMESTAMP, "last anomalous activity"),
                    required("pattern", STRING, "anomaly pattern, e.g. bytes_out@data_storage")));
            out.addAll(List.of(more));
            return List.copyOf(out);
        }
    }

    private final String relativePath;
    private final List<String> partitionColumns;
    private final List<Column> columns;

    ShadowTable(String relativePath, List<String> partitionColumns, List<Column> columns) {
        this.relativePath = relativePath;
        this.partitionColumns = partitionColumns;
        this.columns = columns;
    }

    public String relativePath() {
        return relativePath;
    }

    public List<String> partitionColumns() {
        return partitionColumns;
    }

    public List<Column> columns() {
        return columns;
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }
}
