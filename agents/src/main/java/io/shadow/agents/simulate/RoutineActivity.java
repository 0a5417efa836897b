package io.shadow.agents.simulate;

import static io.shadow.features.ResourceType.DATABASE;
import static io.shadow.features.ResourceType.DATA_STORAGE;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.ResourceType;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * Normal, noisy, diurnal behaviour: employees in working hours (less at weekends, sometimes in the
 * evening from home), the web backend around the clock, nightly ETL and backups, CI builds, and a
 * CPU/memory/network sample per host every minute.
 */
final class RoutineActivity {
    static final String SVC_WEB = "svc-web";
    static final String SVC_ETL = "svc-etl";
    static final String SVC_BACKUP = "svc-backup";
    static final String SVC_CI = "svc-ci";

    private static final Op WEB_QUERY = Op.read("Query", DATABASE, List.of("db://shop"), 8_000);
    private static final Op WEB_ASSET = Op.read("GetObject", DATA_STORAGE, List.of("s3://static-assets"), 60_000);
    private static final Op ETL_READ = Op.read("GetObject", DATA_STORAGE, List.of("s3://warehouse"), 40_000_000);
    private static final Op ETL_WRITE = Op.write("PutObject", DATA_STORAGE, List.of("s3://warehouse-curated"),
            20_000_000);
    private static final Op BACKUP_PUT = Op.write("PutObject", DATA_STORAGE, List.of("s3://backups"), 100_000_000);
    private static final Op BACKUP_DELETE = Op.api("DeleteObject", DATA_STORAGE, List.of("s3://backups"));
    private static final Op CI_FETCH = Op.read("GetObject", DATA_STORAGE, List.of("s3://artifact-cache"), 15_000_000);
    private static final Op CI_PUBLISH = Op.write("PutObject", DATA_STORAGE, List.of("s3://eng-artifacts"),
            25_000_000);

    static final Persona WEB = service(SVC_WEB, "10.0.1.10", "shop-backend/4.2 (Java 17)");
    static final Persona ETL = service(SVC_ETL, "10.0.2.20", "spark-etl/3.5.3");
    static final Persona BACKUP = service(SVC_BACKUP, "10.0.2.30", "restic/0.17.3");
    static final Persona CI = service(SVC_CI, "10.0.3.40", "jenkins/2.479.1");

    private final GenerationContext ctx;
    private final double activity;

    RoutineActivity(GenerationContext ctx, double activity) {
        this.ctx = ctx;
        this.activity = activity;
    }

    private static Persona service(String id, String ip, String ua) {
        return new Persona(id, "services", true, ip, ip, List.of(ua), 0, 24, 0, List.of(), PersonaCatalog.CI_HOST);
    }

    /** Routine behaviour of {@code people}, the web backend and CI over [from, to). */
    void generate(List<Persona> people, long from, long to, Map<String, Long> joinedAt) {
        for (long hour = from; hour < to; hour += 3600) {
            for (Persona p : people) {
                long joined = joinedAt.getOrDefault(p.id(), Long.MIN_VALUE);
                if (hour + 3600 > joined) {
                    employeeHour(p, Math.max(hour, joined), hour + 3600);
                }
            }
            webHour(hour);
            ciHour(hour);
        }
    }

    /** Nightly ETL: reads the warehouse and writes curated tables; {@code size} scales the export. */
    void etlRun(long start, double size, long seconds) {
        int reads = (int) Math.round(60 * size);
        for (int i = 0; i < reads; i++) {
            ctx.add(ctx.event(ETL, ETL_READ, ctx.at(start + ctx.random.nextLong(seconds)), false));
        }
        for (int i = 0; i < 20 * size; i++) {
            ctx.add(ctx.event(ETL, ETL_WRITE, ctx.at(start + ctx.random.nextLong(seconds)), false));
        }
        ctx.load.add(new GenerationContext.LoadWindow(PersonaCatalog.BATCH_HOST, start, start + seconds + 300, 78,
                120, 30e6, false));
    }

    /** Nightly backup: uploads, then deletes backups past retention ({@code rounds} times). */
    void backupRun(long start, int rounds) {
        for (int round = 0; round < rounds; round++) {
            long s = start + round * 900L;
            for (int i = 0; i < 30; i++) {
                ctx.add(ctx.event(BACKUP, BACKUP_PUT, ctx.at(s + ctx.random.nextLong(1200)), false));
            }
            for (int i = 0; i < 25; i++) {
                ctx.add(ctx.event(BACKUP, BACKUP_DELETE, ctx.at(s + 900 + ctx.random.nextLong(300)), false));
            }
        }
    }

    private void employeeHour(Persona p, long from, long to) {
        int hour = hourOfDay(from);
        boolean weekend = isWeekend(from);
        double rate;
        boolean remote = false;
        if (hour >= p.workStartHour() && hour < p.workEndHour()) {
            rate = p.eventsPerWorkHour() * (hour == 12 ? 0.6 : 1.0) * (weekend ? 0.06 : 1.0);
        } else if (hour >= 19 && hour < 22 && !weekend && ctx.random.nextDouble() < 0.12) {
            rate = 10;
            remote = true;
        } else {
            rate = 0;
        }
        double fraction = (to - from) / 3600.0;
        int n = ctx.poisson(rate * activity * fraction);
        for (int i = 0; i < n; i++) {
            Op op = ctx.pick(p.activities());
            boolean fromHome = remote || ctx.random.nextDouble() < 0.1;
            ctx.add(ctx.event(p, op, ctx.at(from + ctx.random.nextLong(to - from)), fromHome));
        }
        if (p.id().equals("u-eng-01") && !weekend && hour == 11 && ctx.random.nextDouble() < 0.5) {
            String op = ctx.random.nextBoolean() ? "CreateAccessKey" : "AttachUserPolicy";
            ctx.add(ctx.event(p, Op.api(op, ResourceType.IDENTITY, List.of("iam:users")),
                    ctx.at(from + ctx.random.nextLong(3600)), false));
        }
    }

    private void webHour(long from) {
        double diurnal = 0.4 + 0.6 * Math.max(0, Math.sin(Math.PI * (hourOfDay(from) - 6) / 16.0));
        int n = ctx.poisson(120 * diurnal * activity);
        for (int i = 0; i < n; i++) {
            Op op = ctx.random.nextDouble() < 0.7 ? WEB_QUERY : WEB_ASSET;
            ctx.add(ctx.event(WEB, op, ctx.at(from + ctx.random.nextLong(3600)), false));
        }
    }

    private void ciHour(long from) {
        int hour = hourOfDay(from);
        if (hour < 8 || hour >= 20 || isWeekend(from)) {
            return;
        }
        int builds = ctx.poisson(3 * activity);
        for (int b = 0; b < builds; b++) {
            long start = from + ctx.random.nextLong(3300);
            for (String exe : List.of("/usr/bin/git", "/usr/bin/mvn", "/usr/bin/java", "/usr/bin/java",
                    "/usr/bin/docker")) {
                ctx.add(ctx.processStart(SVC_CI, PersonaCatalog.CI_HOST, exe, ctx.at(start + ctx.random.nextLong(240))));
            }
            ctx.add(ctx.event(CI, CI_FETCH, ctx.at(start + 5), false));
            ctx.add(ctx.event(CI, CI_PUBLISH, ctx.at(start + 250), false));
            ctx.load.add(new GenerationContext.LoadWindow(PersonaCatalog.CI_HOST, start, start + 300, 60, 30, 8e6,
                    false));
        }
    }

    /** One resource-usage sample per host per minute over [from, to). */
    void hostSamples(long from, long to) {
        for (String host : PersonaCatalog.HOSTS) {
            List<GenerationContext.LoadWindow> windows = ctx.load.stream().filter(w -> w.host().equals(host)).toList();
            for (long t = from; t < to; t += 60) {
                double cpu = baseCpu(host, t) + 3 * ctx.random.nextGaussian();
                double net = baseNet(host, t);
                double benignCpu = cpu;
                double benignNet = net;
                boolean attacked = false;
                for (GenerationContext.LoadWindow w : windows) {
                    if (t >= w.start() && t < w.end()) {
                        double noise = 2 * ctx.random.nextGaussian();
                        cpu = w.cpuAt(t, cpu) + noise;
                        net += w.netBytesPerMinute();
                        if (w.malicious()) {
                            attacked = true;
                        } else {
                            benignCpu = w.cpuAt(t, benignCpu) + noise;
                            benignNet += w.netBytesPerMinute();
                        }
                    }
                }
                double mem = (host.startsWith("db") ? 72 : 45) + 2 * ctx.random.nextGaussian();
                double jitter = 1 + 0.1 * ctx.random.nextGaussian();
                ActivityEvent sample = ctx.builder(Instant.ofEpochSecond(t, ctx.random.nextInt(1000) * 1_000_000L))
                        .host(host).eventClass(EventClass.RESOURCE_USAGE).operation("sample")
                        .resourceType(ResourceType.COMPUTE).resourceId("host:" + host).cpuPct(clamp(cpu))
                        .memPct(clamp(mem)).bytesOut(Math.max(0, Math.round(net * jitter))).build();
                ctx.add(sample);
                if (attacked) {
                    ctx.counterfactuals.put(sample.eventId(), sample.toBuilder().cpuPct(clamp(benignCpu))
                            .bytesOut(Math.max(0, Math.round(benignNet * jitter))).build());
                }
            }
        }
    }

    private double baseCpu(String host, long t) {
        int hour = hourOfDay(t);
        double day = Math.max(0, Math.sin(Math.PI * (hour - 6) / 16.0));
        boolean weekend = isWeekend(t);
        return switch (host) {
            case "web-1", "web-2" -> 20 + 25 * day;
            case "db-1" -> 15 + 15 * day;
            case PersonaCatalog.DEV_HOST -> 10 + (weekend || hour < 8 || hour >= 18 ? 0 : 18);
            default -> 6;
        };
    }

    private double baseNet(String host, long t) {
        double day = Math.max(0, Math.sin(Math.PI * (hourOfDay(t) - 6) / 16.0));
        return host.startsWith("web") ? 4e6 * (0.5 + day) : 5e5;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(100, Math.round(v * 10) / 10.0));
    }

    static int hourOfDay(long epochSecond) {
        return (int) Math.floorMod(epochSecond, 86_400L) / 3600;
    }

    static boolean isWeekend(long epochSecond) {
        DayOfWeek d = Instant.ofEpochSecond(epochSecond).atOffset(ZoneOffset.UTC).getDayOfWeek();
        return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
    }
}
