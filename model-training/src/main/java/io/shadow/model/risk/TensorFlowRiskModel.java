package io.shadow.model.risk;

import io.shadow.features.signal.RiskScore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * The trained risk model, loaded from a TensorFlow SavedModel ({@code serving_default}: input
 * {@code factors} [n, 4] → output {@code risk} [n, 1], a probability). Each score is explained with
 * exact Shapley values, computed in one batched call.
 */
public final class TensorFlowRiskModel implements RiskModel {
    public static final String SIGNATURE = "serving_default";
    public static final String INPUT = "factors";
    public static final String OUTPUT = "risk";

    private final SavedModelBundle bundle;
    private final SessionFunction function;
    private final String id;

    private TensorFlowRiskModel(SavedModelBundle bundle, String id) {
        this.bundle = bundle;
        this.function = bundle.function(SIGNATURE);
        this.id = id;
    }

    public static TensorFlowRiskModel load(Path savedModelDir, String id) {
        if (!Files.isRegularFile(savedModelDir.resolve("saved_model.pb"))) {
            throw new IllegalArgumentException("no TensorFlow SavedModel at " + savedModelDir
                    + " (saved_model.pb missing); train one with 'bin/shadow nightly' or point the registry elsewhere");
        }
        return new TensorFlowRiskModel(SavedModelBundle.load(savedModelDir.toString(), SavedModelBundle.DEFAULT_TAG),
                id);
    }

    @Override
    public RiskScore score(RiskFactors factors) {
        return Shapley.explain(factors.toArray(), this::predict, id);
    }

    /** Probabilities for a batch of factor rows. */
    public double[] predict(double[][] rows) {
        try (TFloat32 in = TFloat32.tensorOf(Shape.of(rows.length, RiskFactors.COUNT), t -> {
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < RiskFactors.COUNT; c++) {
                    t.setFloat((float) rows[r][c], r, c);
                }
            }
        }); Result result = function.call(Map.of(INPUT, in))) {
            Tensor t = result.get(OUTPUT).orElseThrow(() -> new IllegalStateException("model " + id
                    + " has no output '" + OUTPUT + "'"));
            TFloat32 out = (TFloat32) t;
            double[] p = new double[rows.length];
            for (int r = 0; r < rows.length; r++) {
                p[r] = out.getFloat(r, 0);
            }
            return p;
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public void close() {
        bundle.close();
    }
}
