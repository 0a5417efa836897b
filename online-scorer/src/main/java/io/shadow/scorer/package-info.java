/**
 * The online scorer: event intake over HTTP, detection, risk scoring with the champion model,
 * hand-over to the mitigation engine.
 */
package io.shadow.scorer;
