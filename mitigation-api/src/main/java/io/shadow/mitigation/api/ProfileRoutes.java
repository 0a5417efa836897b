package io.shadow.mitigation.api;

import static io.shadow.mitigation.api.Role.ADMIN;
import static io.shadow.mitigation.api.Role.OPERATOR;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.shadow.mitigation.engine.MitigationEngine;
import io.shadow.mitigation.profile.ProfileSet;
import io.shadow.mitigation.profile.ProfileVersions;
import io.shadow.mitigation.store.ProfileStore;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The profiles in force, their versions with authors, and uploads of a new version (admin). */
public final class ProfileRoutes {
    private final MitigationEngine engine;
    private final ProfileVersions versions;
    private final Idempotency idempotency;

    public ProfileRoutes(MitigationEngine engine, ProfileVersions versions, Idempotency idempotency) {
        this.engine = engine;
        this.versions = versions;
        this.idempotency = idempotency;
    }

    public void register(JavalinConfig cfg) {
        cfg.routes.get("/v1/profiles", ctx -> ctx.json(engine.profiles()), OPERATOR);
        cfg.routes.get("/v1/profiles/versions", ctx -> ctx.json(versions.list().stream().map(ProfileRoutes::summary)
                .toList()), OPERATOR);
        cfg.routes.get("/v1/profiles/versions/{version}", this::version, OPERATOR);
        cfg.routes.post("/v1/profiles", RequestLimits.bodyAtMost(RequestLimits.MAX_PROFILES_BYTES,
                idempotency.wrap(this::upload)), ADMIN);
    }

    /** A version in the list: who and when, without its text (the list reads none: GET one version for it). */
    private static Map<String, Object> summary(ProfileStore.Version v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", v.version());
        out.put("author", v.author());
        out.put("uploadedBy", v.uploadedBy());
        out.put("uploadedAt", v.uploadedAt());
        return out;
    }

    private void version(Context ctx) {
        int v = RequestLimits.wholeNumber("path parameter 'version'", ctx.pathParam("version"), 1,
                Integer.MAX_VALUE);
        String format = Objects.requireNonNullElse(ctx.queryParam("format"), "json");
        if (!format.equals("json") && !format.equals("yaml")) {
            throw new ApiError(400, "query parameter 'format' must be json or yaml (got '" + format + "')");
        }
        try {
            var stored = versions.get(v);
            if (format.equals("yaml")) {
                ctx.contentType("application/yaml; charset=utf-8").result(stored.yaml());
            } else {
                ctx.json(stored);
            }
        } catch (ProfileVersions.Rejected e) {
            throw new ApiError(e.status(), e.getMessage());
        }
    }

    private void upload(Context ctx) {
        String yaml = new String(ctx.bodyAsBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (yaml.isBlank()) {
            throw new ApiError(400, "body must be the profiles YAML (version, author, thresholds, profiles); "
                    + "check it first with bin/shadow profiles check FILE");
        }
        ProfileSet next;
        try {
            next = versions.upload(yaml, ServiceApp.caller(ctx).name());
        } catch (ProfileVersions.Rejected e) {
            throw new ApiError(e.status(), e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", next.version());
        out.put("author", next.author());
        out.put("uploadedBy", ServiceApp.caller(ctx).name());
        out.put("profiles", next.profiles().size());
        ctx.status(201).json(out);
    }
}
