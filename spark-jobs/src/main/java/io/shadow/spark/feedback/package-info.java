/**
 * Users' decisions from the mitigation store -> Delta feedback and incident labels.
 */
package io.shadow.spark.feedback;
