/**
 * The simulated organisation: a workload generator with named attacks and benign-but-unusual
 * episodes (ground truth for evaluation only), the enforced live replay, and the scenario scorecard.
 */
package io.shadow.agents.simulate;
