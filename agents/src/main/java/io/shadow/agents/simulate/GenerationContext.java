package io.shadow.agents.simulate;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EventClass;
import io.shadow.features.EventIds;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Shared state of one generation run: randomness, event ids, the events made and host load. */
final class GenerationContext {
    /**
     * Extra CPU load on a host for a while, ramping up linearly over {@code rampSeconds};
     * {@code malicious} when an attack causes it (samples then also get a counterfactual).
     */
    record LoadWindow(String host, long start, long end, double cpu, long rampSeconds, double netBytesPerMinute,
            boolean malicious) {
        double cpuAt(long t, double base) {
            if (t < start || t >= end) {
                return base;
            }
            double f = rampSeconds <= 0 ? 1 : Math.min(1, (t - start) / (double) rampSeconds);
            return Math.max(base, base + f * (cpu - base));
        }
    }

    final SplittableRandom random;
    final String tenant;
    final long seed;
    final List<ActivityEvent> events = new ArrayList<>();
    final List<LoadWindow> load = new ArrayList<>();
    /** For host samples an attack changed: the sample as it would have been without the attack. */
    final java.util.Map<String, ActivityEvent> counterfactuals = new java.util.HashMap<>();
    private long counter;

    GenerationContext(long seed, String tenant) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.tenant = tenant;
    }

    ActivityEvent.Builder builder(Instant time) {
        return ActivityEvent.builder().eventId(EventIds.derive("sim", seed, counter++)).tenant(tenant).time(time);
    }

    /** An event of a persona performing {@code op} at {@code t}. */
    ActivityEvent event(Persona p, Op op, Instant t, boolean remote) {
        String resource = op.resources().get(random.nextInt(op.resources().size()));
        String ua = p.userAgents().size() == 1 || random.nextDouble() < 0.65 ? p.userAgents().get(0)
                : p.userAgents().get(1 + random.nextInt(p.userAgents().size() - 1));
        ActivityEvent.Builder b = builder(t).principal(p.id()).eventClass(op.eventClass())
                .operation(op.operation()).resourceType(op.resourceType()).resourceId(resource)
                .srcIp(remote ? p.remoteIp() : p.officeIp()).userAgent(ua)
                .outcome(random.nextDouble() < 0.02 ? Outcome.FAILURE : Outcome.SUCCESS);
        if (op.eventClass() == EventClass.PROCESS_ACTIVITY) {
            b.host(p.devHost()).userAgent(null).raw(java.util.Map.of("cmdline", resource + " --version"));
        } else {
            b.bytesOut(bytes(op.bytesOutMedian(), op.sigma())).bytesIn(bytes(op.bytesInMedian(), op.sigma()));
        }
        return b.build();
    }

    ActivityEvent processStart(String principal, String host, String executable, Instant t) {
        return builder(t).principal(principal).host(host).eventClass(EventClass.PROCESS_ACTIVITY).operation("launch")
                .resourceType(ResourceType.PROCESS).resourceId(executable)
                .raw(java.util.Map.of("cmdline", executable)).build();
    }

    long bytes(double median, double sigma) {
        if (median <= 0) {
            return 0;
        }
        return Math.max(0, Math.round(median * Math.exp(sigma * random.nextGaussian())));
    }

    int poisson(double lambda) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda > 60) {
            return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * random.nextGaussian()));
        }
        double l = Math.exp(-lambda);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > l);
        return k - 1;
    }

    Instant at(long epochSecond) {
        return Instant.ofEpochSecond(epochSecond, random.nextInt(1000) * 1_000_000L);
    }

    Op pick(List<Persona.Activity> activities) {
        double total = 0;
        for (Persona.Activity a : activities) {
            total += a.weight();
        }
        double x = random.nextDouble() * total;
        for (Persona.Activity a : activities) {
            x -= a.weight();
            if (x <= 0) {
                return a.op();
            }
        }
        return activities.get(activities.size() - 1).op();
    }

    void add(ActivityEvent e) {
        events.add(e);
    }
}
