/**
 * Risk scoring: the four factors, the analysts' transparent model, the TensorFlow model and its
 * training, with exact Shapley contributions per score.
 */
package io.shadow.model.risk;
