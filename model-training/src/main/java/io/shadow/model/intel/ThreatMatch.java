package io.shadow.model.intel;

/** An indicator an observed value matched. */
public record ThreatMatch(String indicator, String type, String source, double confidence) {
}
