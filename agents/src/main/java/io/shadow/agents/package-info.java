/**
 * The Shadow agent ({@code bin/shadow agent --config FILE}): {@link io.shadow.agents.Agent} wires
 * the capture sources, the HTTP intake, the durable spool and the two shippers (landing zone and
 * scorer), and, with {@code actions.enabled}, executes Shadow's commands on its host;
 * {@link io.shadow.agents.AgentConfig} reads and validates its YAML (errors name the key).
 */
package io.shadow.agents;
