/**
 * Training set from replayed history and reviewed incidents; TF training, registration, promotion.
 */
package io.shadow.spark.training;
