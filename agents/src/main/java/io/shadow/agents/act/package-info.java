/**
 * Agent-side actions pulled from the mitigation API: suspend, resume and kill processes (the one the
 * command names, never Shadow's own), isolate and release the host's network (nftables), each
 * acknowledged with what was done or why it was refused.
 */
package io.shadow.agents.act;
