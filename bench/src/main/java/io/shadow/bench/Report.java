package io.shadow.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shadow.features.json.EventCodec;
import java.util.LinkedHashMap;
import java.util.Map;

/** Prints a benchmark's table, then its figures as one JSON object on the last line. */
final class Report {
    private final String name;
    private final Map<String, String> rows = new LinkedHashMap<>();
    private final ObjectNode json = EventCodec.mapper().createObjectNode();

    Report(String name) {
        this.name = name;
    }

    Report row(String label, String value) {
        rows.put(label, value);
        return this;
    }

    Report figure(String key, double value) {
        json.put(key, Math.round(value * 1000) / 1000.0);
        return this;
    }

    Report figure(String key, String value) {
        json.put(key, value);
        return this;
    }

    void print() {
        int w = rows.keySet().stream().mapToInt(String::length).max().orElse(10);
        System.out.println("benchmark: " + name);
        System.out.println("machine:   " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch"));
        System.out.println("-".repeat(w + 24));
        rows.forEach((k, v) -> System.out.printf("%-" + w + "s  %s%n", k, v));
        System.out.println("-".repeat(w + 24));
        System.out.println(json);
    }
}
