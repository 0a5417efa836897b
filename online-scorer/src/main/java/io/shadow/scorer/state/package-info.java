/** Durable checkpoints of the scorer's per-entity online state, so a restart resumes without a cold start. */
package io.shadow.scorer.state;
