package io.shadow.model.promotion;

import io.shadow.model.risk.RiskFactors;
import io.shadow.model.risk.TensorFlowRiskModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * A risk model as an unconstrained network could leave it: {@code σ(12·(severity − 0.7) + 20·intel +
 * 10·resource − 30·max(0, resource − 0.95))}, close to {@code TrainingFixtures}' rule but falling as
 * resource risk rises above 0.95. Written as a SavedModel with the scorer's signature.
 */
final class BentModels {
    private BentModels() {
    }

    static Path export(Path dir) throws IOException {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> x = tf.withName(TensorFlowRiskModel.INPUT).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, RiskFactors.COUNT)));
            var weights = tf.variable(tf.constant(new float[][] {{12}, {10}, {0}, {20}}));
            Operand<TFloat32> resource = tf.slice(x, tf.constant(new int[] {0, 1}), tf.constant(new int[] {-1, 1}));
            Operand<TFloat32> bend = tf.math.mul(tf.constant(30f), tf.nn.relu(tf.math.sub(resource,
                    tf.constant(0.95f))));
            Operand<TFloat32> logits = tf.math.sub(tf.math.sub(tf.linalg.matMul(x, weights), bend),
                    tf.constant(12 * 0.7f + 5f));
            Operand<TFloat32> prob = tf.withName(TensorFlowRiskModel.OUTPUT).math.sigmoid(logits);
            try (Session s = new Session(g)) {
                s.initialize();
                SavedModelBundle.exporter(dir.toString()).withSession(s)
                        .withSignature(Signature.builder().key(TensorFlowRiskModel.SIGNATURE)
                                .input(TensorFlowRiskModel.INPUT, x).output(TensorFlowRiskModel.OUTPUT, prob).build())
                        .export();
            }
        }
        return dir;
    }

    static void copy(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
