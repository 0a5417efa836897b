package io.shadow.agents.capture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The golden source files under {@code src/test/resources} (real CloudTrail and Kubernetes formats). */
final class Fixtures {
    static final String DELIVERED = "cloudtrail/123456789012_CloudTrail_eu-west-1_20261109T1000Z_ab12.json";
    static final String CLOUDTRAIL_LINES = "cloudtrail/records.jsonl";
    static final String K8S_AUDIT = "k8s/audit.jsonl";

    private Fixtures() {
    }

    static Path path(String resource) {
        URL url = Fixtures.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalArgumentException("no test resource " + resource);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String text(String resource) {
        try {
            return Files.readString(path(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(String resource) {
        return text(resource).lines().toList();
    }
}
