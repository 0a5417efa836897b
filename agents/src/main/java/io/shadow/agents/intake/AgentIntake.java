package io.shadow.agents.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.shadow.agents.spool.Spool;
import io.shadow.agents.spool.SpoolFullException;
import io.shadow.features.json.EventCodec;
import io.shadow.features.json.EventFormatException;
import io.shadow.features.json.EventLineCheck;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's HTTP intake for applications (the Javalin reporter, scripts): {@code POST /v1/events}
 * with a JSON array or NDJSON. Valid events are appended to the spool before the answer, so a 200
 * means durable; invalid ones are listed with the field at fault and not kept. A full spool answers
 * 503 with {@code Retry-After}.
 */
public final class AgentIntake implements AutoCloseable {
    private final Javalin app;

    public AgentIntake(Spool spool, String host, int port, String token, long maxRequestBytes) {
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = maxRequestBytes;
            cfg.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok", "spool_bytes", spool.sizeBytes())));
            cfg.routes.post("/v1/events", ctx -> {
                String auth = ctx.header("Authorization");
                if (auth == null || !MessageDigest.isEqual(expected, auth.getBytes(StandardCharsets.UTF_8))) {
                    ctx.status(401).json(Map.of("status", 401, "error", "missing or wrong 'Authorization: Bearer "
                            + "<token>' (intake.token of the agent)"));
                    return;
                }
                accept(ctx, spool);
            });
        }).start(host, port);
    }

    public int port() {
        return app.port();
    }

    private static void accept(Context ctx, Spool spool) {
        List<byte[]> good = new ArrayList<>();
        List<Map<String, Object>> errors = new ArrayList<>();
        String body = ctx.body();
        List<String> items = new ArrayList<>();
        if (body.stripLeading().startsWith("[")) {
            try {
                for (JsonNode n : EventCodec.mapper().readTree(body)) {
                    items.add(n.toString());
                }
            } catch (Exception e) {
                ctx.status(400).json(Map.of("status", 400, "error", "body starts like a JSON array but does not "
                        + "parse; send a JSON array of events or NDJSON"));
                return;
            }
        } else {
            body.lines().forEach(items::add);
        }
        for (int i = 0; i < items.size(); i++) {
            String line = items.get(i);
            if (line.isBlank()) {
                continue;
            }
            if (EventLineCheck.validWithId(line)) {
                good.add(line.getBytes(StandardCharsets.UTF_8));
                continue;
            }
            try {
                // not on the fast path: the full codec adds a derived id, or says what is wrong
                good.add(EventCodec.toJson(EventCodec.parse(line)).getBytes(StandardCharsets.UTF_8));
            } catch (EventFormatException e) {
                Map<String, Object> err = new LinkedHashMap<>();
                err.put("index", i);
                err.put("field", e.field());
                err.put("error", e.getMessage());
                errors.add(err);
            }
        }
        if (!good.isEmpty()) {
            try {
                spool.append(good);
            } catch (SpoolFullException e) {
                ctx.header("Retry-After", "5").status(503).json(Map.of("status", 503, "error", e.getMessage()));
                return;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accepted", good.size());
        out.put("rejected", errors.size());
        out.put("errors", errors);
        ctx.status(good.isEmpty() && !errors.isEmpty() ? 400 : 200).json(out);
    }

    @Override
    public void close() {
        app.stop();
    }
}
