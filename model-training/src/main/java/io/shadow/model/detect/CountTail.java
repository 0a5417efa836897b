package io.shadow.model.detect;

/**
 * Upper-tail probabilities of counts under an overdispersed Poisson (negative binomial) with a
 * given mean and variance, by the method of moments; plain Poisson when the variance does not
 * exceed the mean. Bursty counts (a CI job starting five processes at once) get heavy tails, and
 * counts that are almost always zero (privileged operations of a non-admin) get a light one, so
 * six of them in five minutes is as improbable as it looks.
 */
final class CountTail {
    private static final double[] LANCZOS = {676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};

    /**
     * Per-thread memo of recent results (a direct-mapped table): the arguments repeat within an
     * entity's bucket and hour, and {@link #upperBound} alone re-sums tails O(bound²) times. A hit
     * returns exactly what the computation would; memory stays at two small tables per thread.
     */
    private static final ThreadLocal<Memo> MEMO = ThreadLocal.withInitial(Memo::new);
    /** A term below this share of the sum no longer changes it (e^-37, under a double's precision). */
    private static final double NEGLIGIBLE = Math.exp(-37);
    /** Terms summed one by one before the rest of the tail is bounded as a whole. */
    static final int MAX_TERMS = 5000;

    private CountTail() {
    }

    /** ln P(X ≥ x); 0 when x is not above the mean. */
    static double lnUpperTail(double x, double mean, double variance) {
        if (noTail(x, mean)) {
            return 0; // most counts of a bucket, known without the memo (every event asks for several)
        }
        Memo m = MEMO.get();
        int slot = Memo.slot(x, mean, variance);
        if (m.tailKeys[3 * slot] == x && m.tailKeys[3 * slot + 1] == mean && m.tailKeys[3 * slot + 2] == variance) {
            return m.tails[slot];
        }
        double v = computeLnUpperTail(x, mean, variance);
        m.tailKeys[3 * slot] = x;
        m.tailKeys[3 * slot + 1] = mean;
        m.tailKeys[3 * slot + 2] = variance;
        m.tails[slot] = v;
        return v;
    }

    /**
     * Sums the probabilities of {@code k0, k0 + 1, …} until a term adds less than e^-37 of the sum; a
     * tail that has not converged after {@link #MAX_TERMS} terms is computed whole instead (negative
     * binomial) or its rest bounded by a geometric series (Poisson). Only the first term
     * needs ln Γ: each next one is the previous times the distribution's ratio P(k + 1) / P(k), which is
     * below 1 above the mean, so the sum runs in plain arithmetic.
     */
    static double computeLnUpperTail(double x, double mean, double variance) {
        if (noTail(x, mean)) {
            return 0;
        }
        int k0 = (int) Math.ceil(x - 1e-9);
        boolean poisson = variance <= mean * 1.05;
        double r = poisson ? 0 : mean * mean / (variance - mean);
        double q = poisson ? 0 : mean / (r + mean); // the failure probability 1 - p of the negative binomial
        double first = poisson ? k0 * Math.log(mean) - mean - lnGamma(k0 + 1)
                : lnGamma(k0 + r) - lnGamma(r) - lnGamma(k0 + 1) + r * Math.log(r / (r + mean)) + k0 * Math.log(q);
        double sum = 1;
        double term = 1;
        int k = k0;
        for (; k < k0 + MAX_TERMS; k++) {
            term *= poisson ? mean / (k + 1) : (k + r) / (k + 1) * q;
            sum += term;
            if (term < sum * NEGLIGIBLE) {
                return Math.min(0, first + Math.log(sum));
            }
        }
        if (!poisson) {
            // a very overdispersed count (variance far above the mean): its terms shrink too slowly to sum,
            // and P(X >= k0) of a negative binomial is the regularised incomplete beta I_q(k0, r)
            return Math.min(0, lnRegularizedBeta(q, k0, r));
        }
        // a Poisson tail with a huge mean: every later ratio is below the next one, so a geometric
        // series bounds the rest (from above: the tail is never made thinner than it is)
        double ratio = mean / (k + 1);
        if (ratio < 1) {
            sum += term * ratio / (1 - ratio);
        }
        return Math.min(0, first + Math.log(sum));
    }

    /** Whether ln P(X ≥ x) is 0 without summing: x is not above the mean, or no count from 1 up reaches it. */
    private static boolean noTail(double x, double mean) {
        return (int) Math.ceil(x - 1e-9) <= 0 || x <= mean;
    }

    /** The smallest count whose upper tail is below {@code lnTail}: the top of the normal range. */
    static int upperBound(double mean, double variance, double lnTail) {
        Memo m = MEMO.get();
        int slot = Memo.slot(mean, variance, lnTail);
        if (m.boundKeys[3 * slot] == mean && m.boundKeys[3 * slot + 1] == variance
                && m.boundKeys[3 * slot + 2] == lnTail) {
            return m.bounds[slot];
        }
        int k = computeUpperBound(mean, variance, lnTail);
        m.boundKeys[3 * slot] = mean;
        m.boundKeys[3 * slot + 1] = variance;
        m.boundKeys[3 * slot + 2] = lnTail;
        m.bounds[slot] = k;
        return k;
    }

    static int computeUpperBound(double mean, double variance, double lnTail) {
        int k = (int) Math.ceil(mean);
        while (k < 100_000 && computeLnUpperTail(k, mean, variance) > lnTail) {
            k++;
        }
        return k;
    }

    /**
     * ln I_x(a, b), the regularised incomplete beta function, by its continued fraction (Lentz's
     * method, as in Numerical Recipes' {@code betacf}), through the symmetry I_x(a, b) = 1 − I_{1−x}(b, a)
     * where the fraction converges slowly.
     */
    static double lnRegularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (x >= 1) {
            return 0;
        }
        double lnFront = a * Math.log(x) + b * Math.log1p(-x) - (lnGamma(a) + lnGamma(b) - lnGamma(a + b));
        if (x < (a + 1) / (a + b + 2)) {
            return lnFront + Math.log(betaFraction(x, a, b) / a);
        }
        return Math.log1p(-Math.exp(lnFront + Math.log(betaFraction(1 - x, b, a) / b)));
    }

    private static double betaFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 100_000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
            d = 1 + aa * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
            d = 1 + aa * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double step = d * c;
            h *= step;
            if (Math.abs(step - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    /** ln Γ(x) for x > 0 (Lanczos, g = 7). */
    static double lnGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
        }
        double xx = x - 1;
        double a = 0.99999999999980993;
        double t = xx + 7.5;
        for (int i = 0; i < LANCZOS.length; i++) {
            a += LANCZOS[i] / (xx + i + 1);
        }
        return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
    }

    /** Recent results of one thread; NaN keys never match, so empty slots miss. */
    private static final class Memo {
        static final int SIZE = 1024;
        final double[] tailKeys = filled(3 * SIZE);
        final double[] tails = new double[SIZE];
        final double[] boundKeys = filled(3 * SIZE);
        final int[] bounds = new int[SIZE];

        static int slot(double a, double b, double c) {
            long h = Double.doubleToLongBits(a) * 0x9E3779B97F4A7C15L;
            h = (h ^ Double.doubleToLongBits(b)) * 0x9E3779B97F4A7C15L;
            h = (h ^ Double.doubleToLongBits(c)) * 0x9E3779B97F4A7C15L;
            return (int) (h >>> 54);
        }

        private static double[] filled(int n) {
            double[] d = new double[n];
            java.util.Arrays.fill(d, Double.NaN);
            return d;
        }
    }
}
