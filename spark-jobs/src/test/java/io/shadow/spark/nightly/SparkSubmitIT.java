package io.shadow.spark.nightly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.shadow.features.table.KernelTableReader;
import io.shadow.features.table.ShadowTable;
import io.shadow.model.registry.LocalModelRegistry;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.spark.training.TrainAndPromote;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar under {@code spark-submit} on a real standalone cluster of the Spark version we
 * build against (pyspark's distribution, from bin/test-services): one nightly date on a generated
 * week, then the baselines table, the champion model and the report are checked.
 */
class SparkSubmitIT {

    @Test
    void theShadedJarRunsTheNightlyPipelineOnAStandaloneCluster(@TempDir Path dir) throws Exception {
        String home = System.getenv("SHADOW_TEST_SPARK_HOME");
        assumeTrue(home != null && !home.isBlank(), "SHADOW_TEST_SPARK_HOME is unset: run under bin/test, or "
                + "eval \"$(bin/test-services start)\" first (it installs pyspark 4.2.0 and exports it)");
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(p -> p.getFileName().toString().matches("shadow-spark-jobs-.*-shaded\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("no shaded jar in spark-jobs/target: run "
                            + "mvn package (the shade plugin builds it) before this test"));
        }
        NightlyFixture f = new NightlyFixture(dir.resolve("install"));
        Path log = dir.resolve("spark-submit.log");
        int exit;
        try (StandaloneCluster cluster = new StandaloneCluster(Path.of(home), dir.resolve("cluster"))) {
            exit = cluster.submit(List.of("--master", cluster.masterUrl(), "--deploy-mode", "client",
                    "--class", NightlySubmit.class.getName(), "--driver-memory", "1g", "--executor-memory", "1g",
                    "--total-executor-cores", "2", "--conf", "spark.sql.shuffle.partitions=4",
                    "--conf", "spark.ui.enabled=false", jar.toAbsolutePath().toString(),
                    "--warehouse", f.catalog.root().toString(), "--registry", f.registry.toString(),
                    "--store-jdbc-url", f.storeUrl, "--store-user", "sa", "--store-password", "",
                    "--date", NightlyFixture.DAY.toString()), log, Duration.ofMinutes(20));
            assertThat(exit).as("spark-submit exit code; output:%n%s", StandaloneCluster.tail(log)).isZero();
            try (Stream<Path> apps = Files.list(cluster.workDir())) {
                assertThat(apps.filter(p -> p.getFileName().toString().startsWith("app-")))
                        .as("the worker ran executors for the application").isNotEmpty();
            }
        }
        String out = Files.readString(log);
        out.lines().filter(l -> l.startsWith("  [") || l.startsWith("nightly run")).forEach(System.out::println);
        assertThat(out).contains("Spark spark://127.0.0.1:").contains("[8/8] train-and-promote done in");

        long[] baselines = new long[1];
        assertThat(new KernelTableReader().scan(f.catalog.path(ShadowTable.BASELINES), row -> baselines[0]++))
                .as("gold/baselines exists").isNotNegative();
        assertThat(baselines[0]).as("rows in gold/baselines").isPositive();
        assertThat(new LocalModelRegistry(f.registry).version(TrainAndPromote.MODEL_NAME, ModelRegistry.CHAMPION))
                .as("champion model in %s", f.registry).isPresent();
        JsonNode report = RunFiles.JSON.readTree(f.dir.resolve("warehouse/_reports/" + NightlyFixture.DAY
                + "/report.json").toFile());
        assertThat(report.get("status").asText()).isEqualTo("succeeded");
        assertThat(report.get("steps")).hasSize(8);
    }
}
