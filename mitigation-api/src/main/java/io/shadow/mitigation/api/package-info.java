/**
 * The HTTP API (Javalin): incidents, decisions, gateway decisions, agent commands, keys; bearer
 * tokens with roles; errors that say what to fix.
 */
package io.shadow.mitigation.api;
