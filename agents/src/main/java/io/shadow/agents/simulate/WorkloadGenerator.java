package io.shadow.agents.simulate;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates a realistic organisation's activity: at least 20 principals over at least 7 days of
 * history with diurnal patterns and noise, then a live day with five named attacks injected (data
 * exfiltration ramp, credential misuse from a new place and client, crypto-mining CPU ramp, mass
 * deletion, privilege escalation) and benign-but-unusual behaviour (a bigger quarterly export, a new
 * employee, late work). Deterministic for a given seed.
 */
public final class WorkloadGenerator {
    private static final String FEED_RESOURCE = "threat-feed.txt";

    private WorkloadGenerator() {
    }

    public static Workload generate(WorkloadConfig cfg) {
        GenerationContext ctx = new GenerationContext(cfg.seed(), cfg.tenant());
        RoutineActivity routine = new RoutineActivity(ctx, cfg.activity());
        Scenarios scenarios = new Scenarios(ctx);
        List<Persona> staff = PersonaCatalog.employees(cfg.employees(), ctx.random);
        Persona newcomer = PersonaCatalog.newEngineer(cfg.employees(), ctx.random);
        Map<String, Persona> byId = new HashMap<>();
        staff.forEach(p -> byId.put(p.id(), p));

        long start = cfg.start().getEpochSecond();
        long live = cfg.liveStart().getEpochSecond();
        long end = cfg.liveEnd().getEpochSecond();
        List<Persona> everyone = new ArrayList<>(staff);
        everyone.add(newcomer);
        routine.generate(everyone, start, end, Map.of(newcomer.id(), live + 9 * 3600));
        for (long day = start; day < live; day += 86_400) {
            routine.etlRun(day + 2 * 3600, 1.0, 30 * 60);
            routine.backupRun(day + 3 * 3600, 1);
        }
        routine.backupRun(live + 3 * 3600, 1);

        List<PastIncident> past = pastEpisodes(cfg, ctx, routine, scenarios, byId, start);

        List<BenignEpisode> benign = new ArrayList<>();
        routine.etlRun(live + 2 * 3600, 3.0, 45 * 60);
        benign.add(new BenignEpisode("quarterly-export", "svc-etl exports three times the usual volume",
                principal(cfg, RoutineActivity.SVC_ETL), Instant.ofEpochSecond(live + 2 * 3600),
                Instant.ofEpochSecond(live + 2 * 3600 + 45 * 60)));
        benign.add(new BenignEpisode("new-employee", newcomer.id() + " joins engineering and starts working",
                principal(cfg, newcomer.id()), Instant.ofEpochSecond(live + 9 * 3600), Instant.ofEpochSecond(end)));
        Persona closer = byId.get("u-fin-01");
        lateWork(ctx, closer, live + 19 * 3600, 3);
        benign.add(new BenignEpisode("late-close", closer.id() + " works late on the month-end close",
                principal(cfg, closer.id()), Instant.ofEpochSecond(live + 19 * 3600),
                Instant.ofEpochSecond(live + 22 * 3600)));

        // Expected bands follow what each band's default profile does: medium contains (restrict the
        // principal on the resource and rotate its keys, or isolate the host), which is the right answer
        // to a privilege escalation, a miner or an exfiltration by one principal; high shuts down
        // (lock the user out, take the resource offline), which destruction in progress and
        // credentials in an attacker's hands call for.
        List<AttackScenario> attacks = List.of(
                scenarios.privilegeEscalation(byId.get("u-eng-07"), live + 10 * 3600, Band.MEDIUM),
                scenarios.cryptoMining("u-eng-05", PersonaCatalog.DEV_HOST, "/tmp/.cache/xmrig", live + 11 * 3600
                        + 1800, end, Band.MEDIUM),
                scenarios.exfiltration(byId.get("u-fin-02"), "s3://finance-reports", live + 13 * 3600, 45, 3e6,
                        Band.MEDIUM),
                scenarios.credentialMisuse(byId.get(salesId(cfg, 3)), Scenarios.TOR_EXIT, "python-requests/2.32.3",
                        List.of("s3://sales-decks", "s3://finance-reports"), live + 15 * 3600, Band.HIGH),
                scenarios.massDeletion(byId.get("u-eng-04"), List.of("s3://eng-artifacts", "s3://eng-datasets"),
                        live + 16 * 3600 + 1800, 300, Band.HIGH));

        routine.hostSamples(start, end);
        List<ActivityEvent> all = ctx.events;
        all.sort(Comparator.comparing(ActivityEvent::time).thenComparing(ActivityEvent::eventId));
        Instant liveStart = cfg.liveStart();
        int split = 0;
        while (split < all.size() && all.get(split).time().isBefore(liveStart)) {
            split++;
        }
        return new Workload(cfg, List.copyOf(all.subList(0, split)), List.copyOf(all.subList(split, all.size())),
                attacks, List.copyOf(benign), past, threatFeed(), Map.copyOf(ctx.counterfactuals));
    }

    /** Episodes of the history week that the security team has already reviewed. */
    private static List<PastIncident> pastEpisodes(WorkloadConfig cfg, GenerationContext ctx, RoutineActivity routine,
            Scenarios scenarios, Map<String, Persona> byId, long start) {
        long day = 86_400;
        List<PastIncident> past = new ArrayList<>();
        AttackScenario misuse = scenarios.credentialMisuse(byId.get(salesId(cfg, 1)), Scenarios.ABUSE_HOST,
                "curl/8.5.0", List.of("s3://sales-decks"), start + day + 14 * 3600, Band.HIGH);
        past.add(Scenarios.past(misuse, principal(cfg, salesId(cfg, 1)), true));
        AttackScenario exfil = scenarios.exfiltration(byId.get("u-eng-06"), "s3://eng-datasets",
                start + 2 * day + 11 * 3600, 30, 2e6, Band.HIGH);
        past.add(Scenarios.past(exfil, principal(cfg, "u-eng-06"), true));
        AttackScenario wipe = scenarios.massDeletion(byId.get("u-fin-03"), List.of("s3://finance-reports"),
                start + 3 * day + 16 * 3600, 150, Band.HIGH);
        past.add(Scenarios.past(wipe, principal(cfg, "u-fin-03"), true));
        AttackScenario miner = scenarios.cryptoMining(RoutineActivity.SVC_CI, PersonaCatalog.CI_HOST,
                "/var/tmp/kdevtmpfsi", start + 4 * day + 12 * 3600, start + 4 * day + 13 * 3600, Band.MEDIUM);
        past.add(Scenarios.past(miner, EntityKey.host(cfg.tenant(), PersonaCatalog.CI_HOST), true));

        long doubleBackup = start + day + 3 * 3600 + 1800;
        routine.backupRun(doubleBackup, 1);
        past.add(new PastIncident("backup-ran-twice", principal(cfg, RoutineActivity.SVC_BACKUP),
                Instant.ofEpochSecond(doubleBackup), Instant.ofEpochSecond(doubleBackup + 1200), false));
        long dataset = start + 2 * day + 15 * 3600;
        Persona eng2 = byId.get("u-eng-02");
        Op bigGet = Op.read("GetObject", io.shadow.features.ResourceType.DATA_STORAGE, List.of("s3://eng-datasets"),
                60e6);
        for (int i = 0; i < 30; i++) {
            ctx.add(ctx.event(eng2, bigGet, ctx.at(dataset + ctx.random.nextLong(600)), false));
        }
        past.add(new PastIncident("dataset-download", principal(cfg, eng2.id()), Instant.ofEpochSecond(dataset),
                Instant.ofEpochSecond(dataset + 600), false));
        return List.copyOf(past);
    }

    private static void lateWork(GenerationContext ctx, Persona p, long start, int hours) {
        int n = ctx.poisson(30.0 * hours);
        for (int i = 0; i < n; i++) {
            ctx.add(ctx.event(p, ctx.pick(p.activities()), ctx.at(start + ctx.random.nextLong(hours * 3600L)), true));
        }
    }

    private static String salesId(WorkloadConfig cfg, int i) {
        return String.format("u-sales-%02d", i);
    }

    private static EntityKey principal(WorkloadConfig cfg, String id) {
        return EntityKey.principal(cfg.tenant(), id);
    }

    /** The bundled threat feed: one IP or CIDR per line, '#' comments. */
    public static List<String> threatFeed() {
        try (InputStream in = WorkloadGenerator.class.getResourceAsStream(FEED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("threat feed resource " + FEED_RESOURCE + " missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
