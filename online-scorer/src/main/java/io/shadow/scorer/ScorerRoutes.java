package io.shadow.scorer;

import static io.shadow.mitigation.api.Role.AGENT;
import static io.shadow.mitigation.api.Role.OPERATOR;
import static io.shadow.mitigation.api.Role.SERVICE;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.shadow.features.ActivityEvent;
import io.shadow.features.json.EventCodec;
import io.shadow.features.json.EventFormatException;
import io.shadow.mitigation.api.ApiError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scorer intake: {@code POST /v1/events} takes a JSON array or NDJSON batch and scores every
 * valid event, listing the invalid ones with the field at fault (the rest of the batch is still
 * processed); {@code POST /v1/score} scores one event and answers with its anomalies, risk and
 * explanation.
 */
public final class ScorerRoutes {
    private final OnlineScorer scorer;

    public ScorerRoutes(OnlineScorer scorer) {
        this.scorer = scorer;
    }

    public void register(JavalinConfig cfg) {
        cfg.routes.post("/v1/events", this::events, AGENT, SERVICE);
        cfg.routes.post("/v1/score", this::score, AGENT, SERVICE);
        cfg.routes.get("/v1/scorer/status", ctx -> ctx.json(Map.of(
                "model", scorer.models().get().id(),
                "baselines_version", scorer.detector().snapshot().version(),
                "baseline_entities", scorer.detector().snapshot().size(),
                "tracked_entities", scorer.detector().trackedEntities())), OPERATOR, SERVICE);
    }

    private void events(Context ctx) {
        String body = ctx.body();
        List<Map<String, Object>> errors = new ArrayList<>();
        List<ActivityEvent> events = new ArrayList<>();
        String trimmed = body.stripLeading();
        if (trimmed.startsWith("[")) {
            JsonNode arr;
            try {
                arr = EventCodec.mapper().readTree(trimmed);
            } catch (Exception e) {
                throw new ApiError(400, "body starts like a JSON array but does not parse; send a JSON array of "
                        + "events or one JSON event per line (NDJSON)");
            }
            for (int i = 0; i < arr.size(); i++) {
                JsonNode node = arr.get(i);
                parse(() -> EventCodec.fromNode(node), i, events, errors);
            }
        } else {
            int i = 0;
            for (String line : (Iterable<String>) body.lines()::iterator) {
                if (!line.isBlank()) {
                    String l = line;
                    parse(() -> EventCodec.parse(l), i, events, errors);
                }
                i++;
            }
        }
        int anomalies = 0;
        List<Object> mitigations = new ArrayList<>();
        for (ActivityEvent e : events) {
            ScoredEvent s = scorer.score(e);
            anomalies += s.assessments().size();
            for (int k = 0; k < s.assessments().size(); k++) {
                if (!s.outcomes().get(k).startsWith("observed")) {
                    mitigations.add(Map.of("event_id", e.eventId(), "entity", s.assessments().get(k).anomaly()
                            .entity().toString(), "risk", Math.round(s.assessments().get(k).risk().score()),
                            "outcome", s.outcomes().get(k)));
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accepted", events.size());
        out.put("rejected", errors.size());
        out.put("errors", errors);
        out.put("anomalies", anomalies);
        out.put("mitigations", mitigations);
        ctx.status(events.isEmpty() && !errors.isEmpty() ? 400 : 200).json(out);
    }

    private void score(Context ctx) {
        ActivityEvent e;
        try {
            e = EventCodec.parse(ctx.body());
        } catch (EventFormatException ex) {
            throw new ApiError(400, "event rejected: " + ex.getMessage());
        }
        ctx.json(scorer.score(e));
    }

    private static void parse(java.util.function.Supplier<ActivityEvent> p, int index, List<ActivityEvent> ok,
            List<Map<String, Object>> errors) {
        try {
            ok.add(p.get());
        } catch (EventFormatException e) {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("index", index);
            err.put("field", e.field());
            err.put("error", e.getMessage());
            errors.add(err);
        }
    }
}
