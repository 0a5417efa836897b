package io.shadow.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's warehouse ({@code spark.sql.warehouse.dir}, where managed tables and the default database
 * would live) is a temporary directory removed with the session, not {@code spark-warehouse/} in
 * whatever directory the process was started from; nor does a job leave Hive's
 * {@code metastore_db/} or {@code derby.log} there. One set on purpose is kept as given.
 */
class SparkWarehouseIT {
    private static final List<String> LITTER = List.of("spark-warehouse", "metastore_db", "derby.log");

    @TempDir
    Path dir;

    @Test
    void theSharedSessionKeepsItsWarehouseInATemporaryDirectoryNotWhereTheTestsRun() throws Exception {
        Path cwd = Path.of(System.getProperty("user.dir"));
        List<Path> before = existing(cwd);
        SparkSession spark = SharedSpark.session();

        spark.sql("CREATE OR REPLACE TEMPORARY VIEW ids AS SELECT id FROM range(3)");
        assertThat(spark.sql("SELECT count(*) FROM ids").first().getLong(0)).isEqualTo(3);
        assertThat(spark.sql("SHOW TABLES IN default").filter("NOT isTemporary").collectAsList())
                .as("Shadow keeps no managed tables: they would go with the warehouse").isEmpty();

        Path warehouse = warehouse(spark);
        assertThat(warehouse.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
        assertThat(warehouse.getFileName().toString()).startsWith("shadow-spark-warehouse-");
        assertThat(Path.of(URI.create(spark.catalog().getDatabase("default").locationUri())))
                .as("the default database lives in the warehouse").isEqualTo(warehouse);
        assertThat(existing(cwd)).as("nothing new in the working directory %s", cwd).isEqualTo(before);
    }

    @Test
    void aJobLeavesNothingInItsWorkingDirectoryAndItsWarehouseGoesWithTheSession() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));

        List<String> lines = runJob(cwd, "-Djava.io.tmpdir=" + tmp);

        Path warehouse = warehouseSaid(lines);
        assertThat(warehouse.getParent()).isEqualTo(tmp);
        assertThat(lines).contains("rows 3", "warehouse in use: true");
        assertThat(warehouse).as("removed when the session stopped").doesNotExist();
        try (Stream<Path> left = Files.list(cwd)) {
            assertThat(left).as("what the job left where it ran").isEmpty();
        }
    }

    @Test
    void aWarehouseSetOnPurposeIsKeptAsGiven() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Path mine = Files.createDirectories(dir.resolve("my-warehouse"));
        Files.writeString(mine.resolve("keep.txt"), "an operator's file");

        List<String> lines = runJob(cwd, "-Dspark.sql.warehouse.dir=" + mine.toUri());

        assertThat(warehouseSaid(lines)).isEqualTo(mine);
        assertThat(mine.resolve("keep.txt")).as("not removed with the session").exists();
    }

    @Test
    void warehousesOfKilledProcessesAreRemovedByTheNextJob() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        gone.waitFor();
        Path abandoned = Files.createDirectory(tmp.resolve("shadow-spark-warehouse-" + gone.pid() + "-42"));
        Path live = Files.createDirectory(tmp.resolve("shadow-spark-warehouse-" + ProcessHandle.current().pid()
                + "-42"));
        Path notEmpty = Files.createDirectory(tmp.resolve("shadow-spark-warehouse-" + gone.pid() + "-43"));
        Files.writeString(notEmpty.resolve("table"), "someone's data");
        Path oldName = Files.createDirectory(tmp.resolve("shadow-spark-warehouse-17971675011532716277"));
        Path recent = Files.createDirectory(tmp.resolve("shadow-spark-warehouse-" + gone.pid() + "-44"));
        FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        for (Path d : List.of(abandoned, live, notEmpty, oldName)) {
            Files.setLastModifiedTime(d, twoHoursAgo);
        }

        runJob(cwd, "-Djava.io.tmpdir=" + tmp);

        assertThat(abandoned).as("its process is gone").doesNotExist();
        assertThat(live).as("its process runs").exists();
        assertThat(notEmpty).as("holds something").exists();
        assertThat(oldName).as("no process id to check").exists();
        assertThat(recent).as("younger than an hour: perhaps a live session of another PID namespace").exists();
    }

    /** Runs {@link Job} in a JVM of its own started in {@code cwd}; returns its output. */
    private List<String> runJob(Path cwd, String jvmOption) throws Exception {
        Path out = dir.resolve("job.out");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g", jvmOption));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Djdk.") || a.startsWith("-Dio.netty")) {
                command.add(a);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Job.class.getName(),
                dir.resolve("lake/ids").toUri().toString()));

        Process job = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();

        assertThat(job.waitFor(3, TimeUnit.MINUTES)).as("the job finished").isTrue();
        List<String> lines = Files.readAllLines(out);
        assertThat(job.exitValue()).as("exit code; its output:%n%s", String.join("\n", lines)).isZero();
        return lines;
    }

    private static Path warehouseSaid(List<String> lines) {
        String said = lines.stream().filter(l -> l.startsWith("warehouse ")).findFirst().orElseThrow();
        return Path.of(URI.create(said.substring("warehouse ".length())));
    }

    /** A small job as a Shadow process runs one, started by the test in a directory of its own. */
    public static final class Job {
        public static void main(String[] args) {
            SparkSession spark = SparkSessions.create("shadow-warehouse-test", "local[2]", 2);
            try {
                spark.sparkContext().setLogLevel("ERROR");
                Path warehouse = warehouse(spark);
                System.out.println("warehouse " + warehouse.toUri());
                spark.range(3).write().format("delta").save(args[0]);
                System.out.println("rows " + spark.sql("SELECT count(*) FROM delta.`" + args[0] + "`").first()
                        .getLong(0));
                System.out.println("warehouse in use: " + Files.isDirectory(warehouse));
            } finally {
                spark.stop();
            }
        }
    }

    private static Path warehouse(SparkSession spark) {
        return Path.of(URI.create(spark.conf().get("spark.sql.warehouse.dir")));
    }

    private static List<Path> existing(Path cwd) {
        return LITTER.stream().map(cwd::resolve).filter(Files::exists).toList();
    }
}
