package io.shadow.scorer;

import io.shadow.features.baseline.BaselineSnapshot;
import io.shadow.model.risk.PatternHistory;

/**
 * Where the scorer gets its baselines and the pattern history written with them: the gold Delta
 * tables ({@link DeltaBaselines}) when serving, a fixed generation in tests and benchmarks.
 */
public interface BaselineSource {

    /** One generation of what the nightly run wrote. */
    record Generation(BaselineSnapshot snapshot, PatternHistory history) {
    }

    /** The version available now (cheap), to decide whether {@link #read} is due; -1 when none. */
    long currentVersion();

    Generation read();

    static BaselineSource fixed(BaselineSnapshot snapshot, PatternHistory history) {
        Generation g = new Generation(snapshot, history);
        return new BaselineSource() {
            @Override
            public long currentVersion() {
                return snapshot.version();
            }

            @Override
            public Generation read() {
                return g;
            }
        };
    }
}
