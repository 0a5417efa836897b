package io.shadow.features;

/**
 * The feature definitions, written once and used both offline (Spark maps every bronze event
 * through {@link #contributions}) and online (the scorer feeds each live event through the same
 * method into incremental state), so the two cannot drift apart.
 */
public final class FeatureDefinitions {
    /**
     * URI schemes whose first path segment is part of the container: a database's name, a path-style bucket
     * (prefixes: {@code jdbc:postgresql://…} and {@code https://…} too).
     */
    private static final String[] SEGMENT_SCHEMES = {"jdbc", "postgres", "mysql", "mongodb", "sqlserver", "oracle",
        "http"};

    /** Receives one numeric contribution of an event to an entity's current bucket. */
    @FunctionalInterface
    public interface Sink {
        void accept(EntityKey entity, Feature feature, double value);
    }

    /** Receives one categorical value of an event for novelty tracking. */
    @FunctionalInterface
    public interface NoveltySink {
        void accept(EntityKey entity, NoveltyAttribute attribute, String value);
    }

    private FeatureDefinitions() {
    }

    /**
     * Whether {@code e} gives its principal any part ({@link #contributions} or
     * {@link #noveltyValues}): every event with a principal except host samples. A scorer that
     * routes events to the owners of their entities asks this and {@link #concernsHost} rather
     * than looking at which fields are set.
     */
    public static boolean concernsPrincipal(ActivityEvent e) {
        return e.principal() != null && e.eventClass() != EventClass.RESOURCE_USAGE;
    }

    /**
     * Whether {@code e} gives its host any part: host samples (not per-process ones) and process
     * starts. An API call that names the host it reached is the principal's activity only.
     */
    public static boolean concernsHost(ActivityEvent e) {
        if (e.host() == null) {
            return false;
        }
        if (e.eventClass() == EventClass.RESOURCE_USAGE) {
            // host samples only; per-process samples are kept for investigation, not added to the host
            return e.resourceType() != ResourceType.PROCESS;
        }
        return e.eventClass() == EventClass.PROCESS_ACTIVITY && Operations.isProcessStart(e.operation());
    }

    public static void contributions(ActivityEvent e, Sink sink) {
        boolean host = concernsHost(e);
        if (e.eventClass() == EventClass.RESOURCE_USAGE) {
            if (!host) {
                return;
            }
            EntityKey h = EntityKey.host(e.tenant(), e.host());
            if (e.cpuPct() != null) {
                sink.accept(h, Feature.CPU_PCT, e.cpuPct());
            }
            if (e.memPct() != null) {
                sink.accept(h, Feature.MEM_PCT, e.memPct());
            }
            sink.accept(h, Feature.NET_OUT, e.bytesOut());
            return;
        }
        if (host) {
            sink.accept(EntityKey.host(e.tenant(), e.host()), Feature.PROCESS_STARTS, 1);
        }
        if (!concernsPrincipal(e)) {
            return;
        }
        EntityKey p = EntityKey.principal(e.tenant(), e.principal());
        sink.accept(p, Feature.EVENTS, 1);
        sink.accept(p, Feature.BYTES_OUT, e.bytesOut());
        sink.accept(p, Feature.BYTES_IN, e.bytesIn());
        int classes = Operations.classes(e.operation());
        sink.accept(p, Feature.DELETES, (classes & Operations.DELETE) != 0 ? 1 : 0);
        sink.accept(p, Feature.PRIVILEGED_OPS, (classes & Operations.PRIVILEGE) != 0 ? 1 : 0);
        sink.accept(p, Feature.FAILURES, e.outcome() == Outcome.FAILURE ? 1 : 0);
    }

    public static void noveltyValues(ActivityEvent e, NoveltySink sink) {
        if (e.eventClass() == EventClass.PROCESS_ACTIVITY && e.resourceId() != null && concernsHost(e)) {
            sink.accept(EntityKey.host(e.tenant(), e.host()), NoveltyAttribute.PROCESS, processName(e.resourceId()));
        }
        if (!concernsPrincipal(e)) {
            return;
        }
        EntityKey p = EntityKey.principal(e.tenant(), e.principal());
        if (e.srcIp() != null) {
            sink.accept(p, NoveltyAttribute.SOURCE_NETWORK, sourceNetwork(e.srcIp()));
        }
        if (e.userAgent() != null) {
            sink.accept(p, NoveltyAttribute.USER_AGENT, e.userAgent());
        }
        sink.accept(p, NoveltyAttribute.OPERATION, e.operation());
        if (e.resourceId() != null && (e.resourceType() == ResourceType.DATA_STORAGE
                || e.resourceType() == ResourceType.DATABASE)) {
            sink.accept(p, NoveltyAttribute.RESOURCE, dataContainer(e.resourceId()));
        }
    }

    /**
     * The container of a data resource: {@code scheme://authority} of an object-store URI ({@code s3://bucket}
     * of {@code s3://bucket/2025/q1.csv}); with the first path segment for a database URI
     * ({@code postgres://db1:5432/sales} of {@code postgres://db1:5432/sales/orders}) and an HTTP one, where
     * path-style object stores put the bucket ({@code https://storage.googleapis.com/bucket}); the bucket of
     * an S3 ARN ({@code arn:aws:s3:::bucket}); the first two directories of a file path ({@code /mnt/data},
     * {@code C:\data}); the part before the first {@code /} or {@code .} of a bare name ({@code finance} of
     * {@code finance.ledger}).
     */
    public static String dataContainer(String id) {
        int scheme = id.indexOf("://");
        if (scheme > 0) {
            int pathStart = id.indexOf('/', scheme + 3);
            if (pathStart < 0) {
                return id;
            }
            boolean segment = false;
            for (String prefix : SEGMENT_SCHEMES) {
                segment |= id.regionMatches(true, 0, prefix, 0, prefix.length());
            }
            if (!segment) {
                return id.substring(0, pathStart);
            }
            int next = id.indexOf('/', pathStart + 1);
            return next < 0 ? id : id.substring(0, next);
        }
        if (id.startsWith("arn:")) {
            int slash = id.indexOf('/');
            return slash < 0 ? id : id.substring(0, slash);
        }
        boolean drive = id.length() > 2 && Character.isLetter(id.charAt(0)) && id.charAt(1) == ':'
                && (id.charAt(2) == '\\' || id.charAt(2) == '/');
        if (id.startsWith("/") || drive) { // a file path: its first two directories
            int from = drive ? 3 : 1;
            int cuts = 0;
            for (int k = from; k < id.length(); k++) {
                char c = id.charAt(k);
                if ((c == '/' || c == '\\') && ++cuts == 2) {
                    return id.substring(0, k);
                }
            }
            int last = Math.max(id.lastIndexOf('/'), id.lastIndexOf('\\'));
            return last >= from ? id.substring(0, last) : id; // a file near the root: its directory
        }
        int cut = id.length();
        for (char c : new char[] {'/', '.'}) {
            int k = id.indexOf(c);
            cut = k > 0 ? Math.min(cut, k) : cut;
        }
        return id.substring(0, cut);
    }

    /** The /24 of an IPv4 address or the /48 of an IPv6 one: where a request came from. */
    public static String sourceNetwork(String ip) {
        if (ip.indexOf(':') >= 0) {
            // "::" stands for as many zero groups as are missing: 2001::1 is 2001:0:0:…:1
            int gap = ip.indexOf("::");
            String[] head = (gap < 0 ? ip : ip.substring(0, gap)).split(":", -1);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                String g = i < head.length ? head[i] : "";
                sb.append(g.isEmpty() ? "0" : g).append(':');
            }
            return sb.append(":/48").toString();
        }
        int last = ip.lastIndexOf('.');
        return last < 0 ? ip : ip.substring(0, last) + ".0/24";
    }

    public static String processName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
