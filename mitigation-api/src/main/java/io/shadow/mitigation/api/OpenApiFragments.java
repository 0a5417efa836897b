package io.shadow.mitigation.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One OpenAPI 3.0 document from the fragments modules ship as classpath resources: each fragment
 * is an OpenAPI document holding its module's paths and components. Paths are merged (one module
 * per path); components may repeat only with identical definitions; tags are concatenated. The
 * shell's own fragment ({@link #SERVICE}) holds {@code /health}, {@code /openapi.json}, the bearer
 * scheme and the {@code Error} schema that the others refer to.
 */
public final class OpenApiFragments {
    /** The shell's fragment; always merged first. */
    public static final String SERVICE = "openapi/service.json";

    private OpenApiFragments() {
    }

    public static ObjectNode merge(List<String> resources) {
        ObjectNode doc = read(SERVICE);
        Map<String, String> pathOwner = new HashMap<>();
        doc.with("paths").fieldNames().forEachRemaining(p -> pathOwner.put(p, SERVICE));
        Set<String> tags = new HashSet<>();
        doc.withArray("tags").forEach(t -> tags.add(t.path("name").asText()));
        for (String resource : resources) {
            if (resource.equals(SERVICE)) {
                continue;
            }
            ObjectNode fragment = read(resource);
            for (Iterator<Map.Entry<String, JsonNode>> it = fragment.path("paths").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                String owner = pathOwner.putIfAbsent(p.getKey(), resource);
                if (owner != null) {
                    throw new IllegalStateException("OpenAPI fragments " + owner + " and " + resource
                            + " both describe " + p.getKey() + "; a path belongs to the module that registers it");
                }
                doc.with("paths").set(p.getKey(), p.getValue());
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = fragment.path("components").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> section = it.next();
                ObjectNode target = doc.with("components").with(section.getKey());
                section.getValue().fields().forEachRemaining(c -> {
                    JsonNode existing = target.get(c.getKey());
                    if (existing != null && !existing.equals(c.getValue())) {
                        throw new IllegalStateException("OpenAPI fragment " + resource + " redefines components/"
                                + section.getKey() + "/" + c.getKey() + " differently; refer to the existing one or "
                                + "rename it");
                    }
                    target.set(c.getKey(), c.getValue());
                });
            }
            ArrayNode docTags = doc.withArray("tags");
            fragment.path("tags").forEach(t -> {
                if (tags.add(t.path("name").asText())) {
                    docTags.add(t);
                }
            });
        }
        return doc;
    }

    private static ObjectNode read(String resource) {
        try (InputStream in = OpenApiFragments.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("OpenAPI fragment " + resource + " is not on the classpath");
            }
            JsonNode node = ServiceApp.JSON.readTree(in);
            if (!node.isObject() || !node.has("openapi")) {
                throw new IllegalStateException("OpenAPI fragment " + resource + " is not an OpenAPI document");
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read OpenAPI fragment " + resource, e);
        }
    }
}
