package io.shadow.agents.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shadow.features.EntityKey;
import io.shadow.features.EntityKind;
import io.shadow.features.json.EventCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The ground truth of a generated workload's live phase, kept beside the data it describes so that
 * backtests and notebooks can grade mitigations later: the window the labels cover, the injected
 * attacks and the benign-but-unusual episodes. Only grading reads it; detection never does.
 *
 * @param from start of the labelled window: a mitigation in it that matches no attack is a false one
 * @param to end of the labelled window (exclusive)
 */
public record ScenarioLabels(String tenant, Instant from, Instant to, List<AttackScenario> attacks,
        List<BenignEpisode> benign) {
    /** Where the demo writes them, under its data directory. */
    public static final String FILE = "labels/scenarios.json";

    public ScenarioLabels {
        attacks = List.copyOf(attacks);
        benign = List.copyOf(benign);
    }

    public static ScenarioLabels of(Workload w) {
        return new ScenarioLabels(w.config().tenant(), w.config().liveStart(), w.config().liveEnd(), w.attacks(),
                w.benign());
    }

    /** Whether an instant falls in the labelled window. */
    public boolean covers(Instant t) {
        return !t.isBefore(from) && t.isBefore(to);
    }

    public void write(Path file) {
        ObjectNode root = EventCodec.mapper().createObjectNode();
        root.put("tenant", tenant);
        root.put("from", from.toString());
        root.put("to", to.toString());
        ArrayNode as = root.putArray("attacks");
        for (AttackScenario a : attacks) {
            ObjectNode n = as.addObject();
            n.put("name", a.name());
            n.put("description", a.description());
            ArrayNode es = n.putArray("entities");
            a.entities().stream().map(ScenarioLabels::entity).sorted().forEach(es::add);
            n.put("first_malicious_event", a.firstMaliciousEvent().toString());
            n.put("end", a.end().toString());
            n.put("expected_band", a.expectedBand().name().toLowerCase(Locale.ROOT));
        }
        ArrayNode bs = root.putArray("benign");
        for (BenignEpisode b : benign) {
            ObjectNode n = bs.addObject();
            n.put("name", b.name());
            n.put("description", b.description());
            n.put("entity", entity(b.entity()));
            n.put("start", b.start().toString());
            n.put("end", b.end().toString());
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write scenario labels to " + file, e);
        }
    }

    public static ScenarioLabels read(Path file) {
        JsonNode root;
        try {
            root = EventCodec.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scenario labels " + file + ": " + e.getMessage(), e);
        }
        String tenant = text(root, "tenant", file);
        List<AttackScenario> attacks = new ArrayList<>();
        for (JsonNode n : root.path("attacks")) {
            Set<EntityKey> entities = new LinkedHashSet<>();
            n.path("entities").forEach(e -> entities.add(entity(tenant, e.asText(), file)));
            attacks.add(new AttackScenario(text(n, "name", file), n.path("description").asText(""), entities,
                    Instant.parse(text(n, "first_malicious_event", file)), Instant.parse(text(n, "end", file)),
                    Band.valueOf(text(n, "expected_band", file).toUpperCase(Locale.ROOT))));
        }
        List<BenignEpisode> benign = new ArrayList<>();
        for (JsonNode n : root.path("benign")) {
            benign.add(new BenignEpisode(text(n, "name", file), n.path("description").asText(""),
                    entity(tenant, text(n, "entity", file), file), Instant.parse(text(n, "start", file)),
                    Instant.parse(text(n, "end", file))));
        }
        return new ScenarioLabels(tenant, Instant.parse(text(root, "from", file)), Instant.parse(text(root, "to", file)),
                attacks, benign);
    }

    /** {@code principal:u-fin-02} or {@code host:dev-01}. */
    private static String entity(EntityKey k) {
        return k.kind().wireName() + ":" + k.id();
    }

    private static EntityKey entity(String tenant, String s, Path file) {
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(file + ": entity '" + s + "' must read kind:id, e.g. principal:u-1");
        }
        return new EntityKey(tenant, EntityKind.fromWire(s.substring(0, colon)), s.substring(colon + 1));
    }

    private static String text(JsonNode n, String field, Path file) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(file + ": missing field '" + field + "'");
        }
        return v.asText();
    }
}
