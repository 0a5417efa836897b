/**
 * The trigger (act, log, then notify; emergency shutdown at the high threshold), escalation,
 * expiry, and users' decisions (approve, reject, modify) recorded as feedback.
 */
package io.shadow.mitigation.engine;
