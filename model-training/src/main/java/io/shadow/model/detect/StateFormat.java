package io.shadow.model.detect;

import io.shadow.features.EntityKey;
import io.shadow.features.EntityKind;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The binary layout of exported detector state: a header ({@code SHDS}, format version, the
 * baselines version the state was built against, the feature and attribute names in the order the
 * records use), then one record per entity (key, then {@link EntityState#write}), then a 0 byte.
 * Names rather than ordinals, so a build with more or fewer features still reads older files.
 */
final class StateFormat {
    static final int MAGIC = 0x53484453;
    /**
     * 2 added each entity's feature combination (mean and covariance) and anomaly likelihoods; 3 the
     * start times of the buckets in the likelihoods' windows; 4 each entity's recent first-seen values; 5 each
     * feature's run of rising buckets.
     * Older formats are still read (what they lack starts empty).
     */
    static final int VERSION = 5;
    private static final int OLDEST_READABLE = 1;
    private static final int MAX_STRING_BYTES = 1 << 20;

    private StateFormat() {
    }

    static long write(DataOutput out, long baselinesVersion, Map<EntityKey, EntityState> states) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(baselinesVersion);
        out.writeInt(Feature.values().length);
        for (Feature f : Feature.values()) {
            writeString(out, f.wireName());
        }
        out.writeInt(NoveltyAttribute.values().length);
        for (NoveltyAttribute a : NoveltyAttribute.values()) {
            writeString(out, a.wireName());
        }
        long n = 0;
        for (Map.Entry<EntityKey, EntityState> e : states.entrySet()) {
            EntityState s = e.getValue();
            synchronized (s) {
                if (s.evicted()) {
                    continue;
                }
                out.writeByte(1);
                writeString(out, e.getKey().tenant());
                writeString(out, e.getKey().kind().wireName());
                writeString(out, e.getKey().id());
                s.write(out);
            }
            n++;
        }
        out.writeByte(0);
        return n;
    }

    /** Header of a file being read. */
    record Header(int version, long baselinesVersion, int[] features, int[] attributes) {
    }

    static Header readHeader(DataInput in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException("not a detector state file (magic " + Integer.toHexString(magic) + ")");
        }
        int version = in.readInt();
        if (version < OLDEST_READABLE || version > VERSION) {
            throw new IOException("detector state format " + version + " is not supported (this build reads "
                    + OLDEST_READABLE + " to " + VERSION + "); delete the file to start from the baselines");
        }
        long baselines = in.readLong();
        int[] features = new int[count(in)];
        for (int i = 0; i < features.length; i++) {
            features[i] = ordinal(readString(in), Feature.values(), Feature::wireName);
        }
        int[] attributes = new int[count(in)];
        for (int i = 0; i < attributes.length; i++) {
            attributes[i] = ordinal(readString(in), NoveltyAttribute.values(), NoveltyAttribute::wireName);
        }
        return new Header(version, baselines, features, attributes);
    }

    /** Reads the records after the header, handing each entity to {@code sink}; returns how many. */
    static long readStates(DataInput in, Header h, Consumer<EntityState> sink) throws IOException {
        long n = 0;
        while (in.readByte() == 1) {
            String tenant = readString(in);
            EntityKind kind;
            String kindName = readString(in);
            try {
                kind = EntityKind.fromWire(kindName);
            } catch (IllegalArgumentException e) {
                throw new IOException("unknown entity kind '" + kindName + "' in detector state", e);
            }
            EntityKey key = new EntityKey(tenant, kind, readString(in));
            sink.accept(EntityState.read(in, key, h.version(), h.features(), h.attributes()));
            n++;
        }
        return n;
    }

    static void writeString(DataOutput out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInput in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > MAX_STRING_BYTES) {
            throw new IOException("corrupt detector state: string of " + len + " bytes");
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int count(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1024) {
            throw new IOException("corrupt detector state: " + n + " names in the header");
        }
        return n;
    }

    private static <E> int ordinal(String name, E[] values, java.util.function.Function<E, String> wire) {
        for (int i = 0; i < values.length; i++) {
            if (wire.apply(values[i]).equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
