/**
 * Actuators that change the world and change it back: gateway rules (rate limit, restrict, lock
 * out, shut down, isolate), agent commands, key rotation; warm standby where it applies.
 */
package io.shadow.mitigation.actuate;
