package io.shadow.model.nab;

import io.shadow.model.detect.stream.StreamConfig;
import io.shadow.model.detect.stream.StreamDetector;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** A univariate streaming detector as NAB runs it: one row in, one anomaly score in [0, 1] out. */
@FunctionalInterface
public interface SeriesDetector {
    double score(long epochSecond, double value);

    /** Detectors {@code bin/shadow nab --detector} knows; the name is also the results folder's. */
    static Map<String, Supplier<SeriesDetector>> known() {
        Map<String, Supplier<SeriesDetector>> m = new TreeMap<>();
        m.put("shadow", () -> {
            StreamDetector d = new StreamDetector(StreamConfig.defaults());
            return d::update;
        });
        // NAB's null detector: a constant score, the baseline that normalises to 0
        m.put("null", () -> (t, v) -> 0.5);
        return m;
    }

    static Supplier<SeriesDetector> named(String name) {
        Supplier<SeriesDetector> s = known().get(name);
        if (s == null) {
            throw new NabException("unknown detector '" + name + "'; use one of " + known().keySet());
        }
        return s;
    }
}
