package io.shadow.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.agents.capture.DropDirectorySource;
import io.shadow.agents.capture.LogFileSource;
import io.shadow.agents.ship.LandingZoneShipper;
import io.shadow.agents.spool.Spool;
import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import io.shadow.features.table.ShadowTable;
import io.shadow.features.table.TableCatalog;
import io.shadow.spark.ingest.IngestJob;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** From capture to bronze: the agent's promises (nothing acknowledged lost, once in bronze) end to end. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentDeliveryIT {
    private static final String TOKEN = "intake-token-0123456789";
    private SparkSession spark;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    void session() {
        spark = SharedSpark.session();
    }

    /** A running agent process, and the intake port it printed. */
    private record AgentProcess(Process process, int port) {
    }

    private static AgentProcess startAgent(Path config) throws IOException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), "io.shadow.agents.Agent", "--config", config.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.currentTimeMillis() + 60_000;
        String line;
        while ((line = out.readLine()) != null && System.currentTimeMillis() < deadline) {
            if (line.startsWith("shadow agent running; intake port ")) {
                int port = Integer.parseInt(line.substring("shadow agent running; intake port ".length()).trim());
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                return new AgentProcess(p, port);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("agent did not start; last output: " + line);
    }

    private static List<String> batch(int b, int size) {
        List<String> out = new ArrayList<>();
        Instant t0 = Instant.parse("2026-11-09T09:00:00Z");
        for (int i = 0; i < size; i++) {
            out.add(EventCodec.toJson(ActivityEvent.builder().eventId("kill9-" + b + "-" + i).tenant("acme")
                    .time(t0.plusSeconds(b * 60L + i)).eventClass(EventClass.API_ACTIVITY).operation("GetObject")
                    .principal("u-" + (i % 7)).resourceType(ResourceType.DATA_STORAGE).resourceId("s3://b")
                    .bytesOut(1000 + i).build()));
        }
        return out;
    }

    private boolean post(int port, List<String> lines) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/v1/events")).header("Authorization", "Bearer " + TOKEN)
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines))).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Set<String> landedIds(Path landingEvents) throws IOException {
        Set<String> ids = new HashSet<>();
        if (Files.isDirectory(landingEvents)) {
            try (var files = Files.list(landingEvents)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".ndjson")).toList()) {
                    for (String line : Files.readAllLines(f)) {
                        ids.add(EventCodec.parse(line).eventId());
                    }
                }
            }
        }
        return ids;
    }

    @Test
    void killNineWhileShippingLosesNothingAcknowledgedAndBronzeHoldsEachEventOnce(@TempDir Path dir)
            throws Exception {
        Path landing = dir.resolve("landing");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, """
                agent-id: kill9-agent
                tenant: acme
                spool:
                  dir: %s
                landing:
                  uri: %s
                  batch-records: 137
                  interval: PT0.05S
                intake:
                  port: 0
                  token: %s
                sources:
                  poll-interval: PT0.2S
                  host-metrics: {enabled: false}
                  processes: {enabled: false}
                """.formatted(dir.resolve("spool"), landing.toUri(), TOKEN));
        Set<String> acknowledged = new HashSet<>();
        AgentProcess agent = startAgent(config);
        for (int b = 0; b < 40; b++) {
            List<String> lines = batch(b, 250);
            if (post(agent.port(), lines)) {
                lines.forEach(l -> acknowledged.add(EventCodec.parse(l).eventId()));
            }
            if (b == 20) {
                agent.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                agent = startAgent(config);
            }
        }
        Path events = landing.resolve("events");
        long deadline = System.currentTimeMillis() + 60_000;
        while (!landedIds(events).containsAll(acknowledged) && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        agent.process().destroy();
        agent.process().waitFor(10, TimeUnit.SECONDS);
        assertThat(acknowledged).hasSize(40 * 250);
        assertThat(landedIds(events)).containsAll(acknowledged);

        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        new IngestJob(spark, catalog, events.toUri().toString()).run();
        List<Row> counts = DeltaTables.read(spark, catalog, ShadowTable.EVENTS)
                .selectExpr("count(*) AS n", "count(DISTINCT event_id) AS d").collectAsList();
        assertThat(counts.get(0).<Long>getAs("n")).isEqualTo(acknowledged.size());
        assertThat(counts.get(0).<Long>getAs("d")).isEqualTo(acknowledged.size());
    }

    private static void copyResource(String name, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (InputStream in = AgentDeliveryIT.class.getResourceAsStream("/sources/" + name)) {
            Files.write(to, in.readAllBytes());
        }
    }

    @Test
    void malformedCloudTrailAndKubernetesRecordsAreQuarantinedAndTheGoodOnesOfTheSameFilesLand(@TempDir Path dir)
            throws Exception {
        String trail = "cloudtrail/123456789012_CloudTrail_eu-west-1_20261109T1005Z_q1w2e3.json";
        copyResource(trail, dir.resolve("delivery").resolve(trail));
        copyResource("k8s/audit.log", dir.resolve("k8s/audit.log"));
        Path state = dir.resolve("state");
        TableCatalog catalog = TableCatalog.local(dir.resolve("warehouse"));
        try (Spool spool = Spool.open(dir.resolve("spool"), 1 << 20, 1 << 26)) {
            LandingZoneShipper shipper = new LandingZoneShipper(spool, catalog.landingZone(), "ct-agent", 100,
                    new Configuration());
            io.shadow.agents.capture.Source.Sink sink = lines -> spool.append(lines.stream()
                    .map(l -> l.getBytes(StandardCharsets.UTF_8)).toList());
            new DropDirectorySource("cloudtrail", dir.resolve("delivery"), state, null).poll(sink);
            try (LogFileSource k8s = LogFileSource.kubernetesAudit("k8s", dir.resolve("k8s/audit.log"), state,
                    "prod-cluster")) {
                k8s.poll(sink);
            }
            shipper.drain();
            shipper.close();
        }
        new IngestJob(spark, catalog, LandingZoneShipper.eventsDirectory(catalog.landingZone())).run();

        List<Row> bronze = DeltaTables.read(spark, catalog, ShadowTable.EVENTS).orderBy("time").collectAsList();
        assertThat(bronze).extracting(r -> r.<String>getAs("event_id")).containsExactly(
                "a5e2f1c0-0001-4c7a-9b1e-0f3d2c1b0001", "a5e2f1c0-0002-4c7a-9b1e-0f3d2c1b0002",
                "a5e2f1c0-0004-4c7a-9b1e-0f3d2c1b0004", "7f1c2b3a-0001-4d5e-8f90-aa0000000001",
                "7f1c2b3a-0002-4d5e-8f90-aa0000000002");
        Row getObject = bronze.get(0);
        assertThat(getObject.<String>getAs("principal")).isEqualTo("alice");
        assertThat(getObject.<String>getAs("tenant")).isEqualTo("123456789012");
        assertThat(getObject.<String>getAs("resource_id")).isEqualTo("s3://finance-reports");
        assertThat(getObject.<Long>getAs("bytes_out")).isEqualTo(734003L);
        assertThat(bronze.get(1).<String>getAs("principal")).isEqualTo("Admin/bob");
        assertThat(bronze.get(1).<String>getAs("outcome")).isEqualTo("failure");
        assertThat(bronze.get(3).<String>getAs("operation")).isEqualTo("create clusterrolebindings");
        assertThat(bronze.get(3).<String>getAs("resource_type")).isEqualTo("identity");

        List<Row> quarantine = DeltaTables.read(spark, catalog, ShadowTable.QUARANTINE).orderBy("reason")
                .collectAsList();
        assertThat(quarantine).extracting(r -> r.<String>getAs("reason")).containsExactly(
                "field 'eventTime': cloudtrail record: missing eventTime",
                "field 'user.username': k8s-audit record: missing user.username",
                "k8s-audit record: not valid JSON");
        assertThat(quarantine.get(0).<String>getAs("raw_text")).contains("\"eventName\":\"DeleteObject\"")
                .doesNotContain("shadow_rejected");
    }

    @Test
    void shippingToHdfsWaitsOutANameNodeOutageAndSparkIngestsFromHdfs(@TempDir Path dir) throws Exception {
        Configuration conf = new Configuration();
        conf.set("hdfs.minidfs.basedir", dir.resolve("dfs").toString());
        conf.setInt("ipc.client.connect.max.retries", 0);
        conf.setInt("ipc.client.connect.max.retries.on.timeouts", 0);
        conf.setInt("ipc.client.connect.timeout", 500);
        conf.setBoolean("dfs.client.retry.policy.enabled", false);
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, dir.resolve("dfs").toFile()).numDataNodes(1).build();
        try {
            cluster.waitActive();
            String root = "hdfs://localhost:" + cluster.getNameNodePort() + "/shadow/";
            try (Spool spool = Spool.open(dir.resolve("spool"), 1 << 20, 1 << 26)) {
                LandingZoneShipper shipper = new LandingZoneShipper(spool, root + "landing", "hdfs-agent", 100, conf);
                spool.append(batch(0, 250).stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toList());
                assertThat(shipper.drain()).isEqualTo(250);

                cluster.shutdownNameNodes();
                spool.append(batch(1, 250).stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toList());
                long cursor = spool.cursor(LandingZoneShipper.CONSUMER);
                assertThatThrownBy(shipper::shipOnce).isInstanceOf(IOException.class);
                assertThat(spool.cursor(LandingZoneShipper.CONSUMER)).as("nothing counted as shipped").isEqualTo(cursor);

                cluster.restartNameNodes();
                cluster.waitActive();
                long deadline = System.currentTimeMillis() + 60_000;
                long shipped = 0;
                while (shipped < 250 && System.currentTimeMillis() < deadline) {
                    try {
                        shipped += shipper.drain();
                    } catch (IOException e) {
                        Thread.sleep(500);
                    }
                }
                assertThat(shipped).isEqualTo(250);
                shipper.close();
            }
            FileSystem fs = FileSystem.get(URI.create(root), conf);
            long lines = 0;
            for (var st : fs.listStatus(new org.apache.hadoop.fs.Path(root + "landing/events"))) {
                try (var in = fs.open(st.getPath())) {
                    lines += new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().count();
                }
            }
            assertThat(lines).isEqualTo(500);

            spark.sparkContext().hadoopConfiguration().set("fs.defaultFS", "hdfs://localhost:"
                    + cluster.getNameNodePort());
            TableCatalog catalog = new TableCatalog(URI.create(root + "warehouse/"));
            IngestJob.Result r = new IngestJob(spark, catalog, root + "landing/events").run();
            assertThat(r.events()).isEqualTo(500);
            assertThat(DeltaTables.count(spark, catalog, ShadowTable.EVENTS)).isEqualTo(500);
        } finally {
            spark.sparkContext().hadoopConfiguration().unset("fs.defaultFS");
            cluster.shutdown();
        }
    }
}
