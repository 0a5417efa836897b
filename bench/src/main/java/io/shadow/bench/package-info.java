/**
 * Benchmarks run by {@code bin/bench NAME}: each measures against a bare baseline in the same run,
 * prints a table and, as its last line, one JSON object; figures are kept in
 * {@code bench/RESULTS.md}.
 */
package io.shadow.bench;
