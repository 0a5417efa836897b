package io.shadow.model.risk;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Adam (Kingma and Ba; TensorFlow's {@code ApplyAdam} with its usual constants) as one graph op
 * per training step, in a fixed order: every gradient first, then every variable's update, then
 * the bias-correction powers. tensorflow-framework's {@code Adam} leaves that order to the
 * executor (the powers' update is not made to wait for the variables' updates, which read them,
 * and a variable can move before a gradient that reads it is taken), so the same rows with the
 * same seed trained a different model from run to run — by a few per cent in its scores.
 */
final class OrderedAdam {
    static final float BETA_ONE = 0.9f;
    static final float BETA_TWO = 0.999f;
    static final float EPSILON = 1e-8f;

    private OrderedAdam() {
    }

    /** The op one training step runs: {@code variables} move down {@code loss}'s gradient. */
    static Op minimize(Ops tf, Operand<TFloat32> loss, List<Variable<TFloat32>> variables, float learningRate) {
        Gradients gradients = tf.gradients(loss, variables);
        Ops afterGradients = tf.withControlDependencies(new ArrayList<Op>(gradients.dy()));
        Variable<TFloat32> betaOnePower = tf.variable(tf.constant(BETA_ONE));
        Variable<TFloat32> betaTwoPower = tf.variable(tf.constant(BETA_TWO));
        Operand<TFloat32> rate = tf.constant(learningRate);
        Operand<TFloat32> betaOne = tf.constant(BETA_ONE);
        Operand<TFloat32> betaTwo = tf.constant(BETA_TWO);
        Operand<TFloat32> epsilon = tf.constant(EPSILON);
        List<Op> updates = new ArrayList<>(variables.size());
        for (int i = 0; i < variables.size(); i++) {
            Variable<TFloat32> v = variables.get(i);
            Variable<TFloat32> firstMoment = tf.variable(zerosLike(tf, v));
            Variable<TFloat32> secondMoment = tf.variable(zerosLike(tf, v));
            updates.add(afterGradients.train.applyAdam(v, firstMoment, secondMoment, betaOnePower, betaTwoPower, rate,
                    betaOne, betaTwo, epsilon, gradients.<TFloat32>dy(i)));
        }
        Ops afterUpdates = tf.withControlDependencies(updates);
        Op powerOne = afterUpdates.assign(betaOnePower, afterUpdates.math.mul(betaOnePower, betaOne));
        Op powerTwo = afterUpdates.assign(betaTwoPower, afterUpdates.math.mul(betaTwoPower, betaTwo));
        return tf.withControlDependencies(List.of(powerOne, powerTwo)).noOp();
    }

    private static Operand<TFloat32> zerosLike(Ops tf, Variable<TFloat32> v) {
        return tf.zeros(tf.constant(v.shape().asArray()), TFloat32.class);
    }
}
