package io.shadow.model.risk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Trains the risk model in TensorFlow Java: a small monotone MLP (4 → 16 → 8 → 1, tanh, sigmoid)
 * fitted with Adam on binary cross-entropy, evaluated on a time-split hold-out (the latest
 * {@code holdoutFraction} of examples), and exported as a SavedModel.
 *
 * <p>Monotone by construction: every layer's weights are the softplus of a free variable, so they
 * are positive, and tanh and sigmoid only rise; a composition of rising functions with positive
 * weights rises in every input. Risk therefore never falls as severity, the resource type's risk,
 * prior incidents or threat intelligence rise — what analysts read into a risk score, and what the
 * weighted fallback promises too. An unconstrained MLP fitted to a few dozen labels did not keep it
 * (a data-storage anomaly scored below a network one, explanations showed "resource risk −16").
 *
 * <p>Labels are few (a handful of reviewed incidents a week), so the fit also sees
 * {@code priorExamples} pseudo-examples whose soft labels are the analysts' transparent model
 * ({@link WeightedRiskModel}), each weighing {@code priorWeight} of a real example: with little
 * feedback the model stays close to that prior, and as labels accumulate they dominate it.
 */
public final class RiskModelTrainer {
    /** Logged as the run's {@code architecture} parameter. */
    public static final String ARCHITECTURE = "monotone-mlp-4-16-8-1-tanh";
    private static final Logger LOG = LoggerFactory.getLogger(RiskModelTrainer.class);

    /**
     * @param steps full-batch Adam steps; default 800
     * @param learningRate default 0.02
     * @param holdoutFraction share of the latest examples kept for evaluation; default 0.25
     * @param operatingThreshold probability at which precision and recall are reported; default 0.5
     * @param priorExamples pseudo-examples drawn from the analysts' prior model; default 400
     * @param priorWeight weight of each, relative to a real example; default 0.5
     */
    public record Settings(int steps, float learningRate, double holdoutFraction, double operatingThreshold,
            long seed, int priorExamples, double priorWeight) {
        /** 800 steps at 0.02, 25 % hold-out, threshold 0.5, 400 prior examples at half weight. */
        public static Settings defaults() {
            return new Settings(800, 0.02f, 0.25, 0.5, 7L, 400, 0.5);
        }
    }

    private final Settings settings;

    public RiskModelTrainer(Settings settings) {
        this.settings = settings;
    }

    /** Trains on the examples, exports to {@code exportDir}, and returns hold-out metrics. */
    public ModelMetrics train(List<TrainingExample> examples, Path exportDir) {
        if (examples.stream().noneMatch(TrainingExample::incident)) {
            throw new IllegalArgumentException("the training set has " + examples.size() + " rows but no confirmed "
                    + "incident; the risk model cannot learn what an incident looks like. Keep the weighted "
                    + "fallback until users confirm incidents (approve mitigations)");
        }
        List<TrainingExample> sorted = new ArrayList<>(examples);
        sorted.sort(TrainingExample.ORDER);
        List<TrainingExample> holdout = holdout(sorted, settings.holdoutFraction());
        List<TrainingExample> train = sorted.subList(0, sorted.size() - holdout.size());
        if (train.stream().noneMatch(TrainingExample::incident)) {
            train = sorted;
            LOG.warn("no incident before the time split; training on all {} rows, hold-out metrics are in-sample",
                    sorted.size());
        }
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.withName(TensorFlowRiskModel.INPUT).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, RiskFactors.COUNT)));
            Placeholder<TFloat32> y = tf.withName("label").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, 1)));
            Placeholder<TFloat32> w = tf.withName("weight").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, 1)));
            Random rnd = new Random(settings.seed());
            List<Variable<TFloat32>> variables = new ArrayList<>();
            Operand<TFloat32> h1 = tf.math.tanh(monotoneDense(tf, x, RiskFactors.COUNT, 16, rnd, variables));
            Operand<TFloat32> h2 = tf.math.tanh(monotoneDense(tf, h1, 16, 8, rnd, variables));
            Operand<TFloat32> logits = monotoneDense(tf, h2, 8, 1, rnd, variables);
            Operand<TFloat32> prob = tf.withName(TensorFlowRiskModel.OUTPUT).math.sigmoid(logits);
            // numerically stable weighted binary cross-entropy on logits
            Operand<TFloat32> bce = tf.math.add(tf.math.sub(tf.math.maximum(logits, tf.constant(0f)),
                    tf.math.mul(logits, y)), tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logits)))));
            Operand<TFloat32> loss = tf.math.mean(tf.math.mul(bce, w), tf.constant(new int[] {0, 1}));
            Op minimize = OrderedAdam.minimize(tf, loss, variables, settings.learningRate());
            try (Session s = new Session(g)) {
                s.initialize();
                List<double[]> priorRows = priorRows(settings.priorExamples(), settings.seed());
                double[] priorLabels = WeightedRiskModel.defaults().batch(priorRows.toArray(double[][]::new));
                float[][] xs = features(train, priorRows);
                float[][] ys = labels(train, priorLabels);
                float[][] ws = weights(train.size(), priorRows.size(), settings.priorWeight());
                try (TFloat32 tx = matrix(xs); TFloat32 ty = matrix(ys); TFloat32 tw = matrix(ws)) {
                    for (int step = 0; step < settings.steps(); step++) {
                        s.runner().feed(x, tx).feed(y, ty).feed(w, tw).addTarget(minimize).run();
                    }
                    try (var r = s.runner().feed(x, tx).feed(y, ty).feed(w, tw).fetch(loss).run()) {
                        LOG.info("risk model trained: {} rows, {} steps, final loss {}", train.size(), settings.steps(),
                                ((TFloat32) r.get(0)).getFloat());
                    }
                }
                SavedModelBundle.exporter(exportDir.toString()).withSession(s)
                        .withSignature(Signature.builder().key(TensorFlowRiskModel.SIGNATURE)
                                .input(TensorFlowRiskModel.INPUT, x).output(TensorFlowRiskModel.OUTPUT, prob).build())
                        .export();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the risk model to " + exportDir, e);
        }
        try (TensorFlowRiskModel m = TensorFlowRiskModel.load(exportDir, "candidate")) {
            double[][] rows = TrainingExample.factorRows(holdout);
            double[] p = rows.length == 0 ? new double[0] : m.predict(rows);
            return ModelMetrics.evaluate(train.size(), holdout, p, settings.operatingThreshold());
        }
    }

    /**
     * The time-split hold-out: the latest {@code fraction} of the examples. Training and promotion
     * both use it, so a challenger and the champion are judged on the same rows.
     */
    public static List<TrainingExample> holdout(List<TrainingExample> examples, double fraction) {
        List<TrainingExample> sorted = new ArrayList<>(examples);
        sorted.sort(TrainingExample.ORDER);
        int cut = (int) Math.floor(sorted.size() * (1 - fraction));
        return List.copyOf(sorted.subList(cut, sorted.size()));
    }

    /**
     * A fully connected layer whose weights are {@code softplus(raw)}, positive whatever the optimiser
     * does to {@code raw}; {@code raw} and the bias are added to {@code variables}. The weights start
     * uniform in (0.05, Glorot's limit).
     */
    private static Operand<TFloat32> monotoneDense(Ops tf, Operand<TFloat32> in, int from, int to, Random rnd,
            List<Variable<TFloat32>> variables) {
        float[][] init = new float[from][to];
        double limit = Math.sqrt(6.0 / (from + to));
        for (float[] row : init) {
            for (int j = 0; j < to; j++) {
                double weight = 0.05 + rnd.nextDouble() * (limit - 0.05);
                row[j] = (float) Math.log(Math.expm1(weight)); // softplus⁻¹
            }
        }
        Variable<TFloat32> raw = tf.variable(tf.constant(init));
        Operand<TFloat32> weights = tf.math.softplus(raw);
        Variable<TFloat32> bias = tf.variable(tf.constant(new float[to]));
        variables.add(raw);
        variables.add(bias);
        return tf.math.add(tf.linalg.matMul(in, weights), bias);
    }

    /** Factor vectors spread over the space the scorer sees: any severity, the resource types' risks. */
    private static List<double[]> priorRows(int n, long seed) {
        Random r = new Random(seed * 31 + 1);
        double[] resources = {0.5, 0.6, 0.8, 0.9};
        List<double[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new double[] {r.nextDouble(), resources[r.nextInt(resources.length)], r.nextDouble() * 0.6,
                r.nextDouble() < 0.2 ? 0.5 + r.nextDouble() * 0.5 : 0});
        }
        return out;
    }

    private static float[][] features(List<TrainingExample> rows, List<double[]> prior) {
        float[][] m = new float[rows.size() + prior.size()][];
        for (int i = 0; i < m.length; i++) {
            double[] d = i < rows.size() ? rows.get(i).factors().toArray() : prior.get(i - rows.size());
            m[i] = new float[d.length];
            for (int j = 0; j < d.length; j++) {
                m[i][j] = (float) d[j];
            }
        }
        return m;
    }

    private static float[][] labels(List<TrainingExample> rows, double[] prior) {
        float[][] m = new float[rows.size() + prior.length][1];
        for (int i = 0; i < m.length; i++) {
            m[i][0] = i < rows.size() ? (rows.get(i).incident() ? 1f : 0f) : (float) prior[i - rows.size()];
        }
        return m;
    }

    private static float[][] weights(int real, int prior, double priorWeight) {
        float[][] m = new float[real + prior][1];
        for (int i = 0; i < m.length; i++) {
            m[i][0] = i < real ? 1f : (float) priorWeight;
        }
        return m;
    }

    private static TFloat32 matrix(float[][] m) {
        int cols = m.length == 0 ? 1 : m[0].length;
        return TFloat32.tensorOf(Shape.of(m.length, cols), t -> {
            for (int r = 0; r < m.length; r++) {
                for (int c = 0; c < cols; c++) {
                    t.setFloat(m[r][c], r, c);
                }
            }
        });
    }
}
