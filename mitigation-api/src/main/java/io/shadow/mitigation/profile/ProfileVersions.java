package io.shadow.mitigation.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.shadow.features.ResourceType;
import io.shadow.mitigation.store.ProfileStore;
import io.shadow.mitigation.store.ProfileStore.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versions of the mitigation profiles: each upload is validated, must carry the next version
 * number, and is stored with its author and uploader; the newest stored version is in force, also
 * after a restart (a configured file only wins when its version is newer).
 */
public final class ProfileVersions {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileVersions.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private final ProfileStore store;
    private BiConsumer<ProfileSet, String> listener = (p, a) -> { };
    /** The version in force in this process. */
    private volatile int inForce;

    /** An upload that cannot be taken, with the HTTP status that says why. */
    public static final class Rejected extends RuntimeException {
        private final int status;

        Rejected(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public ProfileVersions(ProfileStore store) {
        this.store = store;
    }

    public void onChange(BiConsumer<ProfileSet, String> l) {
        this.listener = l;
    }

    /** As {@link #startWith(ProfileSet, String)} for profiles that come from no file (the built-in defaults). */
    public ProfileSet startWith(ProfileSet configured) {
        return startWith(configured, null);
    }

    /**
     * The profiles to start with: the configured ones if newer than the stored ones (then stored), else
     * the stored. A profiles {@code file} (null: the built-in defaults) whose rules differ from the stored
     * version of the same number is refused: its edit would silently not be in force. One older than the
     * stored version leaves that in force, with a WARN saying how to put the file's rules in force.
     */
    /** Writes the stored rules beside {@code file} to compare with (the service is not up to be asked); says where. */
    private static String storedBeside(String file, Version stored) {
        java.nio.file.Path copy = java.nio.file.Path.of(file + ".stored-v" + stored.version());
        try {
            java.nio.file.Files.writeString(copy, stored.yaml());
            return "the stored rules are written to " + copy + " to compare with";
        } catch (java.io.IOException | RuntimeException e) {
            return "the stored rules could not be written beside it (" + e.getMessage() + "); a running service "
                    + "shows them at GET /v1/profiles/versions/" + stored.version() + "?format=yaml";
        }
    }

    public ProfileSet startWith(ProfileSet configured, String file) {
        var latest = store.latest();
        if (latest.isEmpty() || configured.version() > latest.get().version()) {
            store.insert(new Version(configured.version(), configured.author(), "configuration", Instant.now(),
                    toYaml(configured)));
            inForce = configured.version();
            return configured;
        }
        Version stored = latest.get();
        ProfileSet inForce = ProfileLoader.parseStored(stored.yaml(), "stored profiles v" + stored.version());
        int next = stored.version() + 1;
        String origin = "configuration".equals(stored.uploadedBy()) ? "stored from the profiles configured at an "
                + "earlier start" : "uploaded by " + stored.uploadedBy();
        if (file != null && configured.version() == stored.version() && !toYaml(configured).equals(toYaml(inForce))) {
            throw new ProfileException(List.of("profiles file " + file + " has version " + configured.version()
                    + ", the version stored and in force (" + origin + "), but different rules: "
                    + "started, Shadow would keep the stored rules and ignore the edit. Raise 'version' in " + file
                    + " to " + next + " to put the edited rules in force (or undo the edit; " + storedBeside(file, stored)
                    + ")"));
        }
        if (configured.version() < stored.version()) {
            if (file != null) {
                LOG.warn("profiles file {} has version {}, older than the stored version {} in force ({}): its rules "
                        + "are not in force. To put them in force, raise 'version' in {} to {} and restart", file,
                        configured.version(), stored.version(), origin, file, next);
            } else {
                LOG.info("profiles v{} from the store are newer than the built-in v{}; keeping v{}", stored.version(),
                        configured.version(), stored.version());
            }
        }
        this.inForce = inForce.version();
        return inForce;
    }

    /**
     * The newest stored version when it is newer than the one in force here: another Shadow process on
     * the same store took an upload. Empty when nothing changed.
     */
    public synchronized java.util.Optional<ProfileSet> refresh() {
        var latest = store.latest();
        if (latest.isEmpty() || latest.get().version() <= inForce) {
            return java.util.Optional.empty();
        }
        Version v = latest.get();
        ProfileSet next = ProfileLoader.parseStored(v.yaml(), "stored profiles v" + v.version());
        inForce = v.version();
        LOG.info("profiles v{} (uploaded by {} through another Shadow process on this store) in force", v.version(),
                v.uploadedBy());
        return java.util.Optional.of(next);
    }

    /** Validates and stores a new version, then puts it in force; returns it. */
    public synchronized ProfileSet upload(String yaml, String uploadedBy) {
        ProfileSet next;
        try {
            next = ProfileLoader.parse(yaml, "uploaded profiles");
        } catch (ProfileException e) {
            throw new Rejected(400, e.getMessage());
        }
        int expected = store.latest().map(v -> v.version() + 1).orElse(1);
        if (next.version() != expected || !store.insert(new Version(next.version(), next.author(), uploadedBy,
                Instant.now(), yaml))) {
            throw new Rejected(409, "profiles version " + next.version() + " cannot be stored: the next version is "
                    + expected + "; set 'version: " + expected + "' and upload again");
        }
        inForce = next.version();
        listener.accept(next, uploadedBy);
        return next;
    }

    public List<Version> list() {
        return store.list();
    }

    public Version get(int version) {
        return store.get(version).orElseThrow(() -> new Rejected(404, "no profiles version " + version
                + "; list them with GET /v1/profiles/versions"));
    }

    /** The profile file format of a set (for storing a set that came from a file or the defaults). */
    static String toYaml(ProfileSet s) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", s.version());
        root.put("author", s.author());
        Map<String, Object> thresholds = new LinkedHashMap<>();
        thresholds.put("low", s.low());
        thresholds.put("medium", s.medium());
        thresholds.put("high", s.high());
        root.put("thresholds", thresholds);
        List<Object> profiles = new ArrayList<>();
        for (MitigationProfile p : s.profiles()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("band", p.band().wireName());
            m.put("resource_types", p.resourceTypes().stream().map(ResourceType::wireName).sorted().toList());
            if (!p.evidence().isEmpty()) {
                m.put("evidence", p.evidence().stream().sorted().toList());
            }
            m.put("dry_run", p.dryRun());
            List<Object> actions = new ArrayList<>();
            for (ActionSpec a : p.actions()) {
                Map<String, Object> am = new LinkedHashMap<>();
                am.put("type", a.type().wireName());
                if (!a.params().isEmpty()) {
                    am.put("params", a.params());
                }
                if (a.expires() != null) {
                    am.put("expires", a.expires().toString());
                }
                actions.add(am);
            }
            m.put("actions", actions);
            profiles.add(m);
        }
        root.put("profiles", profiles);
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
