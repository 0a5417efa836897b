package io.shadow.scorer;

import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.risk.RiskFactors;
import io.shadow.model.risk.RiskModelTrainer;
import io.shadow.model.risk.TrainingExample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Real TensorFlow risk models registered for tests. */
final class Champions {
    private Champions() {
    }

    /**
     * Trains and registers a {@code shadow-risk} version; two models that disagree on threat
     * intelligence: one learned it means an incident, one was shown matches that were no incident (the
     * trainer is monotone, so it learns that a match adds nothing, never that it lowers risk). Returns
     * the version.
     */
    static int train(ModelRegistry registry, boolean intelMeansIncident) {
        return train(registry, "shadow-risk", intelMeansIncident);
    }

    static int train(ModelRegistry registry, String modelName, boolean intelMeansIncident) {
        Random r = new Random(intelMeansIncident ? 1 : 2);
        List<TrainingExample> ex = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            RiskFactors f = new RiskFactors(r.nextDouble(), r.nextDouble(), 0, r.nextDouble() < 0.3 ? 0.9 : 0);
            boolean incident = f.threatIntel() > 0 ? intelMeansIncident : f.severity() > 0.8;
            ex.add(new TrainingExample(TestServer.T0.plusSeconds(i), f, incident));
        }
        String run = registry.startRun("test", Map.of());
        new RiskModelTrainer(new RiskModelTrainer.Settings(400, 0.02f, 0.25, 0.5, 3, 0, 0))
                .train(ex, registry.artifactDirectory(run, "model"));
        registry.finishRun(run, true);
        return registry.registerVersion(modelName, run, "model");
    }
}
