package io.shadow.model.detect;

import io.shadow.features.Feature;

/** Formats feature values for people: bytes as KB/MB/GB, percentages, counts. */
final class Units {
    private Units() {
    }

    static String format(Feature f, double v) {
        return switch (f) {
            case BYTES_IN, BYTES_OUT, NET_OUT -> bytes(v);
            case CPU_PCT, MEM_PCT -> String.format("%.1f%%", v);
            default -> v == Math.rint(v) ? String.format("%.0f", v) : String.format("%.1f", v);
        };
    }

    static String bytes(double v) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        int u = 0;
        while (Math.abs(v) >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? String.format("%.0f B", v) : String.format("%.1f %s", v, units[u]);
    }
}
