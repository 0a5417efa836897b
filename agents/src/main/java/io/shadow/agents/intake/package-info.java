/**
 * The agent's HTTP intake: applications and the Javalin reporter POST events (JSON array or
 * NDJSON) with a token; valid lines are appended to the spool before the answer, invalid ones are
 * named by index and field.
 */
package io.shadow.agents.intake;
