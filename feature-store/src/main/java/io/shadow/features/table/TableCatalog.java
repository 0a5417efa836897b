package io.shadow.features.table;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the Delta tables live: one warehouse root ({@code file://} by default, {@code hdfs://}
 * or {@code s3a://} at scale), each table at a fixed path under it.
 */
public record TableCatalog(URI root) {

    public TableCatalog {
        String s = root.toString();
        if (!s.endsWith("/")) {
            root = URI.create(s + "/");
        }
        if (root.getScheme() == null) {
            throw new IllegalArgumentException("warehouse root '" + s + "' needs a scheme, e.g. file:///var/shadow "
                    + "or hdfs://namenode:8020/shadow");
        }
    }

    public static TableCatalog local(Path dir) {
        return new TableCatalog(dir.toAbsolutePath().toUri());
    }

    public String path(ShadowTable table) {
        return root.resolve(table.relativePath()).toString();
    }

    /** The landing zone agents ship to, beside the tables. */
    public String landingZone() {
        return root.resolve("landing/").toString();
    }

    public String checkpoint(String job) {
        return root.resolve("_checkpoints/" + job).toString();
    }
}
