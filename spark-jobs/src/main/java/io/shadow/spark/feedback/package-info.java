/**
 * Users' decisions from the mitigation store -> Delta feedback and incident labels, and what earlier
 * imports left in gold (so a lost store or label table is told from a fresh installation).
 */
package io.shadow.spark.feedback;
