package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.cli.config.ConfigLoader;
import io.shadow.cli.config.ShadowConfig;
import io.shadow.cli.runtime.ShadowRuntime;
import io.shadow.features.EntityKey;
import io.shadow.features.ResourceType;
import io.shadow.features.signal.Anomaly;
import io.shadow.features.signal.Assessment;
import io.shadow.features.signal.Evidence;
import io.shadow.features.signal.RiskScore;
import io.shadow.mitigation.api.ServiceApp;
import io.shadow.mitigation.store.StandbyStore;
import io.shadow.spark.SparkSessions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rollback_table wired in a running Shadow (bin/shadow serve's runtime): the table's version is
 * pinned ahead, a medium-band anomaly on it restores the pinned version with Delta RESTORE (the
 * attacker's deletes vanish), and rejecting the mitigation restores what was there before.
 */
class TableRollbackIT {
    private static final String SERVICE = "svc-token-0123456789abcdef";
    private static final String OPERATOR = "op-token-0123456789abcdef";
    @TempDir
    Path dir;

    @Test
    void aMediumAnomalyOnATableRestoresThePinnedVersionAndRejectingReversesIt() throws Exception {
        SparkSession spark = SparkSessions.create("shadow-test", "local[2]", 2);
        String table = dir.resolve("warehouse/gold/accounts").toUri().toString();
        spark.range(0, 4).selectExpr("id", "'acct-' || id AS name").write().format("delta").save(table);
        Path config = dir.resolve("shadow.yaml");
        Files.writeString(config, """
                data-dir: %s
                server: {port: 0}
                profiles: %s
                auth:
                  tokens:
                    - {name: gateway, token: %s, role: service}
                    - {name: olga, token: %s, role: operator}
                mitigation:
                  rollback: {tables: ["%s"], pin-interval: PT1H}
                """.formatted(dir.resolve("data"), Path.of(getClass().getResource("/profiles/data-actions.yaml")
                .toURI()), SERVICE, OPERATOR, table));
        ShadowConfig cfg = ConfigLoader.load(config, Map.of(), List.of());

        try (ShadowRuntime rt = ShadowRuntime.start(cfg)) {
            StandbyStore standby = new StandbyStore(rt.mitigation().database());
            long deadline = System.currentTimeMillis() + 60_000;
            while (standby.pinOf(table).isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(standby.pinOf(table)).as("pinned ahead at start").hasValueSatisfying(p ->
                    assertThat(p.version()).isZero());
            spark.sql("DELETE FROM delta.`" + table + "` WHERE id > 0");
            assertThat(spark.read().format("delta").load(table).count()).isEqualTo(1);

            HttpResponse<String> r = post(rt, "/v1/assessments", SERVICE, assessment(table, 60));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            String mitigation = ServiceApp.JSON.readTree(r.body()).path("mitigationId").asText();

            assertThat(spark.read().format("delta").load(table).count()).as("restored to the pin").isEqualTo(4);
            assertThat(rt.mitigation().store().actionsOf(mitigation)).singleElement().satisfies(a ->
                    assertThat(a.detail()).startsWith("table " + table + " restored from version 1 to version 0"));

            HttpResponse<String> rejected = post(rt, "/v1/mitigations/" + mitigation + "/reject", OPERATOR, "{}");
            assertThat(rejected.statusCode()).as(rejected.body()).isEqualTo(200);
            assertThat(spark.read().format("delta").load(table).count()).as("undo").isEqualTo(1);
        }
    }

    private static String assessment(String table, double risk) throws Exception {
        Anomaly a = new Anomaly("anm-1", EntityKey.principal("acme", "u-1"), Instant.now(), "evt-1", 9,
                "deletes@database", ResourceType.DATABASE, table, "u-1", "ws-17", null, null,
                List.of(new Evidence("feature", "deletes_per_hour", "900", "2 ± 1", 9, Instant.now())));
        return ServiceApp.JSON.writeValueAsString(new Assessment(a, new RiskScore(risk, risk, List.of(), "test")));
    }

    private static HttpResponse<String> post(ShadowRuntime rt, String path, String token, String body)
            throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(rt.baseUrl() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
