package io.shadow.model.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One NAB scoring profile: what an early detection earns and what a false positive and a missed
 * window cost.
 */
public record CostProfile(String name, double tpWeight, double fpWeight, double fnWeight) {

    public CostProfile {
        if (!(tpWeight > 0) || !(fpWeight >= 0) || !(fnWeight >= 0)) {
            throw new NabException("profile " + name + ": weights must be tpWeight > 0, fpWeight >= 0, fnWeight >= 0,"
                    + " found " + tpWeight + ", " + fpWeight + ", " + fnWeight);
        }
    }

    /** NAB's three published profiles, for when no profiles file is given. */
    public static List<CostProfile> nabDefaults() {
        return List.of(new CostProfile("standard", 1.0, 0.11, 1.0),
                new CostProfile("reward_low_FP_rate", 1.0, 0.22, 1.0),
                new CostProfile("reward_low_FN_rate", 1.0, 0.11, 2.0));
    }

    /** Reads NAB's {@code profiles.json}: {@code {name: {"CostMatrix": {tpWeight, fpWeight, fnWeight, ...}}}}. */
    public static List<CostProfile> read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new NabException("cannot read profiles file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new NabException("profiles file " + file + " must hold a JSON object of profiles, like NAB's"
                    + " profiles.json");
        }
        List<CostProfile> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode m = e.getValue().path("CostMatrix");
            for (String w : List.of("tpWeight", "fpWeight", "fnWeight")) {
                if (!m.path(w).isNumber()) {
                    throw new NabException("profiles file " + file + ", profile " + e.getKey() + ": CostMatrix." + w
                            + " is missing or not a number");
                }
            }
            out.add(new CostProfile(e.getKey(), m.get("tpWeight").asDouble(), m.get("fpWeight").asDouble(),
                    m.get("fnWeight").asDouble()));
        }
        return out;
    }
}
