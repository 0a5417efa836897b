/**
 * Backtests of mitigation profiles: stored history replayed through the live detector, risk model
 * and trigger logic without acting, graded against labels and users' reviews.
 */
package io.shadow.cli.backtest;
