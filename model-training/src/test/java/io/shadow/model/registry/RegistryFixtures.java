package io.shadow.model.registry;

import io.shadow.model.risk.ModelMetrics;
import io.shadow.model.risk.RiskFactors;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.model.risk.TrainingExample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Real TensorFlow risk models logged as runs, for registry tests. */
final class RegistryFixtures {
    private static final Instant T0 = Instant.parse("2026-11-09T10:00:00Z");

    private RegistryFixtures() {
    }

    /**
     * Trains a small model and logs it as a finished run; models disagree on threat intelligence:
     * one learned it means an incident, the other that it does not. Returns the run id.
     */
    static String trainRun(ModelRegistry registry, String experiment, boolean intelMeansIncident) {
        Random r = new Random(intelMeansIncident ? 1 : 2);
        List<TrainingExample> ex = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            RiskFactors f = new RiskFactors(r.nextDouble(), r.nextDouble(), 0, r.nextDouble() < 0.3 ? 0.9 : 0);
            boolean incident = f.threatIntel() > 0 ? intelMeansIncident : f.severity() > 0.8;
            ex.add(new TrainingExample(T0.plusSeconds(i), f, incident));
        }
        String run = registry.startRun(experiment, Map.of("intel_means_incident", Boolean.toString(intelMeansIncident)));
        ModelMetrics m = new RiskModelTrainer(new RiskModelTrainer.Settings(300, 0.02f, 0.25, 0.5, 3, 0, 0))
                .train(ex, registry.artifactDirectory(run, "model"));
        registry.logMetrics(run, m.asMap());
        registry.finishRun(run, true);
        return run;
    }
}
