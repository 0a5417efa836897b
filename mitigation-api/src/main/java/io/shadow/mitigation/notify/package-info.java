/**
 * Notifications with a plain explanation: evidence, risk factors, what was done, how to undo it.
 */
package io.shadow.mitigation.notify;
