package io.shadow.scorer;

import io.shadow.model.intel.ThreatIntel;

/**
 * Where the scorer gets its threat intelligence: the {@code threat_indicators} Delta table
 * ({@link DeltaThreatIntel}) when serving, a fixed index in tests and benchmarks.
 */
public interface ThreatIntelSource {

    /** One loaded index, the table version it came from (-1: not from the table) and a description. */
    record Generation(ThreatIntel intel, long version, String from) {
    }

    /** The version available now (cheap), to decide whether {@link #read} is due; -1 when there is no table. */
    long currentVersion();

    Generation read();

    static ThreatIntelSource fixed(ThreatIntel intel) {
        Generation g = new Generation(intel, -1, "a fixed index");
        return new ThreatIntelSource() {
            @Override
            public long currentVersion() {
                return -1;
            }

            @Override
            public Generation read() {
                return g;
            }
        };
    }
}
