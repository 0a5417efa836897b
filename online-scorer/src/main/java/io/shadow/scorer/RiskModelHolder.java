package io.shadow.scorer;

import io.shadow.features.signal.RiskScore;
import io.shadow.model.registry.CachedVersion;
import io.shadow.model.registry.MissingRunException;
import io.shadow.model.registry.ModelRegistry;
import io.shadow.model.registry.ModelVersion;
import io.shadow.model.risk.RiskFactors;
import io.shadow.model.risk.RiskModel;
import io.shadow.model.risk.Monotonicity;
import io.shadow.model.risk.TensorFlowRiskModel;
import io.shadow.model.risk.WeightedRiskModel;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the current champion risk model and swaps in a new one without failing a request: the
 * new model is loaded beside the old and swapped atomically; every score holds a lease on the model
 * it uses, and the old model is closed when its last lease ends. Without a champion, the weighted
 * fallback serves; a champion that fails to load leaves the model served unchanged. A registry that
 * cannot be reached while the fallback serves (a restart during an MLflow outage) brings in the
 * champion it last named, from the local cache ({@link ModelRegistry#lastSeen}), until it answers.
 */
public final class RiskModelHolder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RiskModelHolder.class);
    private final ModelRegistry registry;
    private final String modelName;
    private final AtomicReference<Served> current = new AtomicReference<>(new Served(WeightedRiskModel.defaults()));

    public RiskModelHolder(ModelRegistry registry, String modelName) {
        this.registry = registry;
        this.modelName = modelName;
    }

    /** The model served now (for its id); score through {@link #score}, which keeps it open meanwhile. */
    public RiskModel get() {
        return current.get().model;
    }

    public RiskScore score(RiskFactors factors) {
        Served s = lease();
        try {
            return s.model.score(factors);
        } finally {
            s.release();
        }
    }

    /**
     * Loads the champion if it differs from the model served; returns whether it switched. Throws,
     * naming the version and path, when the champion does not load; the model served stays. A
     * champion whose run the registry no longer has is not an error while it is the model served.
     */
    public synchronized boolean refresh() {
        Optional<ModelVersion> champion;
        try {
            champion = registry.version(modelName, ModelRegistry.CHAMPION);
        } catch (MissingRunException e) {
            if (e.versionId().equals(current.get().model.id())) {
                // the model served is loaded and fine: its run being deleted in the registry (which the registry
                // reports once) stops the next promotion from picking it, not this scorer from serving it
                return false;
            }
            throw e;
        } catch (RuntimeException unreachable) {
            throw servingCached(unreachable);
        }
        if (champion.isEmpty() || champion.get().id().equals(current.get().model.id())) {
            return false;
        }
        ModelVersion v = champion.get();
        TensorFlowRiskModel next;
        try {
            next = TensorFlowRiskModel.load(v.localPath(), v.id());
        } catch (RuntimeException e) {
            throw new IllegalStateException("champion " + v.id() + " at " + v.localPath() + " did not load ("
                    + e.getMessage() + "); still serving " + get().id() + ". Promote a working version", e);
        }
        // served all the same (refusing it would leave the scorer on an older model or the fallback); the next
        // nightly run replaces it with a monotone challenger
        Monotonicity.check(next::predict).ifPresent(bent -> LOG.warn("risk model {} is not monotone: {}; a nightly "
                + "run replaces it once its hold-out has a confirmed incident and a challenger beats the weighted fallback "
                + "there (docs/models.md, Champion and challenger)", v.id(), bent.describe()));
        Served old = current.getAndSet(new Served(next));
        LOG.info("risk model switched {} -> {}", old.model.id(), next.id());
        old.release();
        return true;
    }

    /**
     * The registry did not answer: serves the champion it last named, cached locally, if the fallback is
     * served now; returns the failure, saying which cached version serves, for the readiness warnings.
     */
    private RuntimeException servingCached(RuntimeException unreachable) {
        Optional<CachedVersion> cached = registry.lastSeen(modelName, ModelRegistry.CHAMPION);
        if (cached.isEmpty()) {
            return unreachable;
        }
        ModelVersion v = cached.get().version();
        if (current.get().model instanceof WeightedRiskModel) {
            RiskModel loaded;
            try {
                loaded = TensorFlowRiskModel.load(v.localPath(), v.id());
            } catch (RuntimeException e) {
                return new IllegalStateException(unreachable.getMessage() + "; the champion cached at "
                        + v.localPath() + ", " + v.id() + ", did not load either (" + e.getMessage() + "): serving "
                        + get().id(), unreachable);
            }
            Served old = current.getAndSet(new Served(loaded));
            old.release();
            LOG.warn("the model registry did not answer: serving the cached champion {} from {} ({})", v.id(),
                    v.localPath(), unreachable.getMessage());
        } else if (!v.id().equals(get().id())) {
            return unreachable; // serves what the registry named while this process ran: newer than the record
        }
        return new IllegalStateException(unreachable.getMessage() + "; serving " + v.id() + ", cached in "
                + v.localPath().getParent() + ": the champion at " + cached.get().registry() + " when it last "
                + "answered (" + cached.get().confirmedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + "); the registry is asked again at every model poll", unreachable);
    }

    @Override
    public void close() {
        current.get().release();
    }

    private Served lease() {
        while (true) {
            Served s = current.get();
            if (s.retain()) {
                return s;
            }
        }
    }

    /** A model with a reference count: one for being current, one per score in progress. */
    private static final class Served {
        final RiskModel model;
        final AtomicInteger refs = new AtomicInteger(1);

        Served(RiskModel model) {
            this.model = model;
        }

        boolean retain() {
            while (true) {
                int n = refs.get();
                if (n == 0) {
                    return false;
                }
                if (refs.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        void release() {
            if (refs.decrementAndGet() == 0) {
                model.close();
            }
        }
    }
}
