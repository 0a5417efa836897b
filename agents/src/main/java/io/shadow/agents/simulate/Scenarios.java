package io.shadow.agents.simulate;

import static io.shadow.features.ResourceType.DATA_STORAGE;
import static io.shadow.features.ResourceType.IDENTITY;

import io.shadow.features.EntityKey;
import io.shadow.features.ResourceType;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The named attacks and benign-but-unusual episodes, injected on top of routine activity. Each
 * method writes the events and returns the ground truth; nothing here is visible to detection.
 */
final class Scenarios {
    /** Known-bad addresses the attacks come from; both are listed in the bundled threat feed. */
    static final String TOR_EXIT = "185.220.101.47";
    static final String ABUSE_HOST = "45.155.205.233";

    private final GenerationContext ctx;

    Scenarios(GenerationContext ctx) {
        this.ctx = ctx;
    }

    private EntityKey principal(String id) {
        return EntityKey.principal(ctx.tenant, id);
    }

    private EntityKey host(String id) {
        return EntityKey.host(ctx.tenant, id);
    }

    /** Reconnaissance of IAM, then a burst of privilege-granting calls from the usual place. */
    AttackScenario privilegeEscalation(Persona p, long start, Band band) {
        long t = start;
        for (String op : List.of("ListUsers", "ListAttachedUserPolicies", "ListGroups", "ListRoles",
                "GetAccountAuthorizationDetails")) {
            ctx.add(ctx.event(p, Op.api(op, IDENTITY, List.of("iam:users")), ctx.at(t), false));
            t += 20 + ctx.random.nextInt(20);
        }
        long first = t;
        for (String op : List.of("CreateUser", "CreateAccessKey", "AttachUserPolicy", "AddUserToGroup",
                "PutUserPolicy", "CreateLoginProfile", "AttachUserPolicy", "CreateAccessKey", "PutRolePolicy",
                "UpdateAssumeRolePolicy", "AttachRolePolicy", "CreatePolicyVersion")) {
            ctx.add(ctx.event(p, Op.api(op, IDENTITY, List.of("iam:user/svc-backdoor", "iam:role/admin")),
                    ctx.at(t), false));
            t += 25 + ctx.random.nextInt(25);
        }
        return new AttackScenario("privilege-escalation", p.id() + " grants itself and a new user admin rights",
                Set.of(principal(p.id())), Instant.ofEpochSecond(start), Instant.ofEpochSecond(t), band);
    }

    /** A miner starts on a host and drives its CPU up over twenty minutes, then keeps it pinned. */
    AttackScenario cryptoMining(String principalId, String hostId, String executable, long start, long end,
            Band band) {
        ctx.add(ctx.processStart(principalId, hostId, executable, ctx.at(start)));
        ctx.load.add(new GenerationContext.LoadWindow(hostId, start + 60, end, 97, 20 * 60, 2e6, true));
        return new AttackScenario("crypto-mining", executable + " started by " + principalId + " on " + hostId,
                Set.of(host(hostId), principal(principalId)), Instant.ofEpochSecond(start),
                Instant.ofEpochSecond(end), band);
    }

    /** Downloads that grow minute by minute: more calls, bigger objects. */
    AttackScenario exfiltration(Persona p, String bucket, long start, int minutes, double firstBytes, Band band) {
        Op get = Op.read("GetObject", DATA_STORAGE, List.of(bucket), 1);
        for (int k = 0; k < minutes; k++) {
            int calls = 1 + k / 5;
            double size = Math.min(2e9, firstBytes * Math.pow(1.15, k));
            for (int c = 0; c < calls; c++) {
                long when = start + k * 60L + ctx.random.nextInt(60);
                ctx.add(ctx.event(p, get, ctx.at(when), false).toBuilder()
                        .bytesOut(ctx.bytes(size, 0.2)).build());
            }
        }
        return new AttackScenario("data-exfiltration", p.id() + " pulls ever larger objects from " + bucket,
                Set.of(principal(p.id())), Instant.ofEpochSecond(start), Instant.ofEpochSecond(start + minutes * 60L),
                band);
    }

    /** Stolen credentials used from a known-bad address with a scripting client. */
    AttackScenario credentialMisuse(Persona p, String ip, String userAgent, List<String> buckets, long start,
            Band band) {
        long t = start;
        String[][] steps = {{"GetCallerIdentity", "identity"}, {"ListBuckets", "data_storage"},
            {"ListObjects", "data_storage"}, {"GetObject", "data_storage"}};
        for (int i = 0; i < 40; i++) {
            String[] s = steps[Math.min(i, steps.length - 1)];
            ResourceType type = ResourceType.fromWire(s[1]);
            Op op = Op.read(s[0], type, type == IDENTITY ? List.of("iam:sts") : buckets, 3_000_000);
            ctx.add(ctx.event(p, op, ctx.at(t), false).toBuilder().srcIp(ip).userAgent(userAgent).build());
            t += 10 + ctx.random.nextInt(30);
        }
        return new AttackScenario("credential-misuse", p.id() + "'s keys used from " + ip + " by " + userAgent,
                Set.of(principal(p.id())), Instant.ofEpochSecond(start), Instant.ofEpochSecond(t), band);
    }

    /** Hundreds of deletes in a few minutes. */
    AttackScenario massDeletion(Persona p, List<String> buckets, long start, int deletes, Band band) {
        Op del = Op.api("DeleteObject", DATA_STORAGE, buckets);
        long span = Math.max(60, deletes);
        for (int i = 0; i < deletes; i++) {
            ctx.add(ctx.event(p, del, ctx.at(start + ctx.random.nextLong(span)), false));
        }
        for (String b : buckets) {
            ctx.add(ctx.event(p, Op.api("DeleteBucket", DATA_STORAGE, List.of(b)), ctx.at(start + span), false));
        }
        return new AttackScenario("mass-deletion", p.id() + " deletes " + deletes + " objects and their buckets",
                Set.of(principal(p.id())), Instant.ofEpochSecond(start), Instant.ofEpochSecond(start + span), band);
    }

    static PastIncident past(AttackScenario a, EntityKey entity, boolean confirmed) {
        return new PastIncident(a.name(), entity, a.firstMaliciousEvent(), a.end(), confirmed);
    }
}
