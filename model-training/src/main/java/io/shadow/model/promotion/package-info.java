/**
 * Champion/challenger promotion: a new risk model replaces the champion only if it beats it on the
 * same time-split hold-out; the decision is logged to the challenger's run.
 */
package io.shadow.model.promotion;
