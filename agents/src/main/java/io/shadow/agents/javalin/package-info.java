/**
 * A Javalin plugin ({@link io.shadow.agents.javalin.ShadowReporter}) that reports every API call a
 * service serves — principal, resource, operation, bytes in/out, latency, outcome — to an agent's
 * intake or straight into a local spool.
 */
package io.shadow.agents.javalin;
