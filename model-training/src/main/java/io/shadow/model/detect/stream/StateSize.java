package io.shadow.model.detect.stream;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Bytes of heap one detector owns, estimated by walking its fields the way HotSpot lays objects
 * out on a 64-bit JVM with compressed pointers (the default below 32 GB of heap): a 12-byte object
 * header, 16 bytes for an array's, fields and elements at their primitive sizes, references 4
 * bytes, every object padded to 8. Objects of this package and arrays are followed; the shared
 * configuration and enum constants are counted as references only, since every detector shares
 * them. Measured, not declared: a new field shows up here without anyone updating a number.
 */
public final class StateSize {
    private static final int HEADER = 12;
    private static final int ARRAY_HEADER = 16;
    private static final int REFERENCE = 4;

    private StateSize() {
    }

    public static long of(Object root) {
        return walk(root, new IdentityHashMap<>());
    }

    private static long walk(Object o, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return 0;
        }
        Class<?> c = o.getClass();
        if (c.isArray()) {
            Class<?> e = c.getComponentType();
            int n = Array.getLength(o);
            long bytes = align(ARRAY_HEADER + (long) n * (e.isPrimitive() ? primitiveSize(e) : REFERENCE));
            if (!e.isPrimitive()) {
                for (int i = 0; i < n; i++) {
                    bytes += owned(Array.get(o, i)) ? walk(Array.get(o, i), seen) : 0;
                }
            }
            return bytes;
        }
        long shallow = HEADER;
        long deep = 0;
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                Class<?> t = f.getType();
                shallow += t.isPrimitive() ? primitiveSize(t) : REFERENCE;
                if (!t.isPrimitive()) {
                    Object v = read(f, o);
                    deep += owned(v) ? walk(v, seen) : 0;
                }
            }
        }
        return align(shallow) + deep;
    }

    /** Arrays and this package's own state objects; not the shared config, not enum constants. */
    private static boolean owned(Object v) {
        if (v == null || v instanceof StreamConfig || v instanceof Enum<?>) {
            return false;
        }
        return v.getClass().isArray() || v.getClass().getPackage() == StateSize.class.getPackage();
    }

    private static Object read(Field f, Object o) {
        try {
            f.setAccessible(true);
            return f.get(o);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read field " + f + " to size it", e);
        }
    }

    static int primitiveSize(Class<?> t) {
        if (t == long.class || t == double.class) {
            return 8;
        }
        if (t == int.class || t == float.class) {
            return 4;
        }
        if (t == short.class || t == char.class) {
            return 2;
        }
        return 1;
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
