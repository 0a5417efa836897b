package io.shadow.model.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** NAB's {@code windows.json}: per {@code <category>/<name>.csv}, its anomaly windows in time order. */
public final class NabWindows {
    private final Map<String, List<Window>> byKey;

    /** An anomaly window, both ends inclusive. */
    public record Window(LocalDateTime start, LocalDateTime end) {
        public boolean contains(LocalDateTime t) {
            return !t.isBefore(start) && !t.isAfter(end);
        }
    }

    public NabWindows(Map<String, List<Window>> byKey) {
        this.byKey = new TreeMap<>(byKey);
    }

    public Map<String, List<Window>> all() {
        return byKey;
    }

    public boolean has(String key) {
        return byKey.containsKey(key);
    }

    public List<Window> of(String key) {
        return byKey.getOrDefault(key, List.of());
    }

    public int windowCount() {
        return byKey.values().stream().mapToInt(List::size).sum();
    }

    public static NabWindows read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new NabException("cannot read windows file " + file + ": " + e.getMessage()
                    + "; expected NAB's windows.json ({\"<category>/<name>.csv\": [[start, end], ...]})", e);
        }
        if (root == null || !root.isObject()) {
            throw new NabException("windows file " + file + " must hold a JSON object keyed by <category>/<name>.csv");
        }
        Map<String, List<Window>> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            List<Window> windows = new ArrayList<>();
            for (JsonNode w : e.getValue()) {
                LocalDateTime start = w.size() == 2 ? NabTime.parseOrNull(w.get(0).asText()) : null;
                LocalDateTime end = w.size() == 2 ? NabTime.parseOrNull(w.get(1).asText()) : null;
                if (start == null || end == null || end.isBefore(start)) {
                    throw new NabException("windows file " + file + ", " + e.getKey() + ": window " + w
                            + " is not [\"YYYY-MM-DD HH:MM:SS\", \"YYYY-MM-DD HH:MM:SS\"] with start <= end");
                }
                windows.add(new Window(start, end));
            }
            windows.sort((a, b) -> a.start().compareTo(b.start()));
            out.put(e.getKey(), List.copyOf(windows));
        }
        return new NabWindows(out);
    }
}
