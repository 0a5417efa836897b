package io.shadow.scorer;

import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.registry.ModelVersion;
import io.shadow.model.risk.RiskModel;
import io.shadow.model.risk.TensorFlowRiskModel;
import io.shadow.model.risk.WeightedRiskModel;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the current champion risk model and swaps in a new one without failing a request: the
 * new model is loaded beside the old, swapped atomically, and the old one closed after a grace
 * period so in-flight scores finish on it. Without a champion, the weighted fallback serves.
 */
public final class RiskModelHolder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RiskModelHolder.class);
    private final ModelRegistry registry;
    private final String modelName;
    private final AtomicReference<RiskModel> current = new AtomicReference<>(WeightedRiskModel.defaults());
    private final ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "shadow-model-closer");
        t.setDaemon(true);
        return t;
    });

    public RiskModelHolder(ModelRegistry registry, String modelName) {
        this.registry = registry;
        this.modelName = modelName;
    }

    public RiskModel get() {
        return current.get();
    }

    /** Loads the champion if it differs from the model served; returns whether it switched. */
    public synchronized boolean refresh() {
        Optional<ModelVersion> champion = registry.version(modelName, ModelRegistry.CHAMPION);
        if (champion.isEmpty() || champion.get().id().equals(current.get().id())) {
            return false;
        }
        ModelVersion v = champion.get();
        RiskModel next = TensorFlowRiskModel.load(v.localPath(), v.id());
        RiskModel old = current.getAndSet(next);
        LOG.info("risk model switched {} -> {}", old.id(), next.id());
        closer.schedule(old::close, 30, TimeUnit.SECONDS);
        return true;
    }

    @Override
    public void close() {
        closer.shutdownNow();
        current.get().close();
    }
}
