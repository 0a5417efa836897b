package io.shadow.model.detect.stream;

/** Experimental v2. */
public final class StreamDetector {
    private static final int P = 3; // level, daily, weekly
    private final StreamConfig cfg;
    private long n;
    private double level;
    private double prev;
    private double dScale;
    private int dN;
    private final double[] err = new double[P];
    private final int[] errN = new int[P];
    private final float[] daily;
    private final byte[] dailyN;
    private final float[] weekly = new float[168];
    private final byte[] weeklyN = new byte[168];
    private double sustain;
    private double sustainScale;
    private int sustainN;
    private final Surprise sRoc = new Surprise();
    private final Surprise sRes = new Surprise();
    private final Surprise sSus = new Surprise();
    private int quiet;
    private double scaleAbs;
    private final ValueDensity density = new ValueDensity();
    private final ShortMeanLikelihood likelihood = new ShortMeanLikelihood((int) x("likWindow", 10));
    private final ShortMeanLikelihood likelihood2 = new ShortMeanLikelihood((int) x("likWindow2", 10));
    public final double[] last = new double[6];
    private double min = Double.NaN;
    private double max = Double.NaN;

    public static final java.util.Map<String, Double> X = new java.util.HashMap<>();

    static double x(String k, double d) {
        return X.getOrDefault(k, d);
    }

    public String debug() {
        return String.format("dS=%.3g err=[%.3g %.3g %.3g] lvl=%.4g", dScale, err[0], err[1], err[2], level);
    }

    public StreamDetector(StreamConfig cfg) {
        this.cfg = cfg;
        int bins = 86400 / cfg.dailyBinSeconds();
        daily = new float[bins];
        dailyN = new byte[bins];
    }

    public double update(long t, double x) {
        if (Double.isNaN(x)) {
            return 0;
        }
        n++;
        int db = (int) Math.floorMod(t, 86400L) / cfg.dailyBinSeconds();
        int wb = (int) (Math.floorMod(Math.floorDiv(t, 86400L) + 3, 7L) * 24 + Math.floorMod(t, 86400L) / 3600);
        scaleAbs = n == 1 ? Math.abs(x) : scaleAbs + Math.max(1.0 / n, 0.01) * (Math.abs(x) - scaleAbs);
        double floor = 1e-6 * scaleAbs + 1e-12;
        double[] pred = {level, daily[db], weekly[wb]};
        boolean[] ready = {n > 1, dailyN[db] > 0, weeklyN[wb] > 0};
        int best = -1;
        for (int p = 0; p < P; p++) {
            if (ready[p] && errN[p] >= cfg.minEvidence() && (best < 0 || err[p] < err[best])) {
                best = p;
            }
        }
        double zRoc = -1;
        if (n > 1) {
            double d = Math.abs(x - prev);
            if (dN >= cfg.minEvidence()) {
                zRoc = d / (dScale + floor);
            }
            dN++;
            dScale += Math.max(1.0 / dN, cfg.errorAlpha()) * (Math.min(d, dN > 1 ? cfg.clip() * dScale + floor : d) - dScale);
        }
        double zRes = -1;
        double zSus = -1;
        if (best >= 0) {
            double e = (x - pred[best]) / (err[best] + floor);
            zRes = Math.abs(e);
            sustain += cfg.sustainAlpha() * (Math.max(-cfg.clip(), Math.min(cfg.clip(), e)) - sustain);
            if (sustainN >= cfg.minEvidence()) {
                zSus = Math.abs(sustain) / (sustainScale + 1e-9);
            }
            sustainN++;
            double a = Math.max(1.0 / sustainN, cfg.errorAlpha());
            sustainScale += a * (Math.min(Math.abs(sustain), sustainN > 1 ? cfg.clip() * sustainScale : 1e9) - sustainScale);
        }
        for (int p = 0; p < P; p++) {
            if (!ready[p]) {
                continue;
            }
            double r = Math.abs(x - pred[p]);
            if (errN[p] > 0) {
                r = Math.min(r, cfg.clip() * err[p] + floor);
            }
            errN[p]++;
            double a = Math.max(1.0 / errN[p], cfg.errorAlpha());
            err[p] += a * (r - err[p]);
        }
        level = n == 1 ? x : level + Math.max(1.0 / n, cfg.levelAlpha()) * (x - level);
        prev = x;
        daily[db] = update(daily[db], dailyN[db], x, cfg.seasonalAlpha());
        dailyN[db] = (byte) Math.min(dailyN[db] + 1, 100);
        weekly[wb] = update(weekly[wb], weeklyN[wb], x, cfg.seasonalAlpha());
        weeklyN[wb] = (byte) Math.min(weeklyN[wb] + 1, 100);
        boolean learn = (cfg.mode() & 1024) == 0 || quiet == 0;
        last[0] = zRoc >= 0 ? sRoc.observe(zRoc, cfg.tailPrior(), cfg.tailMemory(), learn) : 0;
        last[1] = zRes >= 0 ? sRes.observe(zRes, cfg.tailPrior(), cfg.tailMemory(), learn) : 0;
        last[2] = zSus >= 0 ? sSus.observe(zSus, cfg.tailPrior(), cfg.tailMemory(), learn) : 0;
        last[3] = density.observe(x, cfg.tailPrior(), cfg.tailMemory(), 1e-6 * Math.abs(x) + 1e-9);
        if (n < cfg.minEvidence()) {
            last[3] = 0;
        }
        int m = cfg.mode();
        double point = 0;
        int used = 0;
        for (int k = 0; k < 4; k++) {
            if ((m & (1 << k)) == 0) {
                point = Math.max(point, last[k]);
                used++;
            }
        }
        point = Math.max(0, point - Math.log10(Math.max(1, used)));
        double raw = Math.max(0, Math.min(1, (point - x("rawOffset", 1)) / x("rawSpan", 3)));
        if ((m & 512) != 0) {
            double zz = Math.max((m & 1) == 0 ? zRoc : 0, (m & 2) == 0 ? zRes : 0);
            raw = Math.max(0, Math.min(1, (zz - x("zOffset", 3)) / x("zSpan", 6)));
        }
        if ((m & 128) != 0) {
            last[4] = likelihood.observeEmpirical(point, cfg.tailMemory(), cfg.minEvidence() * 5, cfg.tailPrior());
        } else {
            last[4] = Math.min(10, likelihood.observe(raw, x("likMemory", cfg.tailMemory()), (int) x("likWarmup", cfg.minEvidence() * 5), (m & 64) != 0));
            if (x("likWindow2", 0) > 0) {
                double l2 = Math.min(10, likelihood2.observe(raw, x("likMemory", cfg.tailMemory()), (int) x("likWarmup", cfg.minEvidence() * 5), (m & 64) != 0));
                last[4] = Math.max(last[4], l2 - x("likPenalty", 0.3));
            }
        }
        double s = (m & 16) == 0 ? Math.max(point, last[4]) : point;
        if ((m & 32) != 0) {
            s = last[4];
        }
        last[5] = 0;
        if (max > min) {
            double range = max - min;
            double e = Math.max(x - max, min - x) / range;
            if (e > cfg.spatialTolerance()) {
                double tau = x("spatialTau", 0);
                last[5] = tau <= 0 ? 10 : Math.log10(n) * x("spatialN", 1) + x("spatialBase", 0) + e / tau;
            }
        }
        min = Double.isNaN(min) ? x : Math.min(min, x);
        max = Double.isNaN(max) ? x : Math.max(max, x);
        if ((m & 256) == 0) {
            s = Math.max(s, last[5]);
        }
        double score = Math.max(0, Math.min(1, s / cfg.scoreDecades()));
        if (quiet > 0) {
            quiet--;
            return 0;
        }
        if (score >= cfg.suppressLevel()) {
            double f = x("suppressFraction", 0);
            quiet = f <= 0 ? cfg.suppressRows() : (int) Math.min(cfg.suppressRows(), Math.max(x("suppressMin", 10), f * n));
        }
        return score;
    }

    private static float update(float mean, byte count, double x, double alpha) {
        double a = Math.max(1.0 / (count + 1), alpha);
        return (float) (mean + a * (x - mean));
    }
}
