/**
 * Agent-side actions pulled from the mitigation API: suspend, resume and kill processes, isolate
 * and release the host's network (nftables), each acknowledged with what was done.
 */
package io.shadow.agents.act;
