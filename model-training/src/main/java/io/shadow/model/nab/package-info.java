/**
 * The Numenta Anomaly Benchmark: runs a streaming detector over a NAB-layout corpus, writes NAB's
 * results layout, and scores results by NAB's rules (windows, probation, profiles, threshold sweep).
 */
package io.shadow.model.nab;
