package io.shadow.model.risk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A learnable training set for tests: incidents are severe anomalies on risky resources, or any threat-intel match. */
public final class TrainingFixtures {
    private TrainingFixtures() {
    }

    /** {@code n} examples a minute apart, deterministic for a seed. */
    public static List<TrainingExample> examples(int n, long seed) {
        Random r = new Random(seed);
        List<TrainingExample> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RiskFactors f = new RiskFactors(r.nextDouble(), r.nextDouble(), r.nextDouble() * 0.5,
                    r.nextDouble() < 0.1 ? 0.9 : 0);
            boolean incident = (f.severity() > 0.7 && f.resourceRisk() > 0.5) || f.threatIntel() > 0;
            out.add(new TrainingExample(Instant.ofEpochSecond(i * 60L), f, incident));
        }
        return out;
    }
}
