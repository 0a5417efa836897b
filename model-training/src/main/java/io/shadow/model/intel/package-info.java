/**
 * Threat intelligence: indicators with validity windows and versions, read from feeds and the
 * {@code threat_indicators} table, indexed for online matching without scans ({@link io.shadow.model.intel.ThreatIntel}).
 */
package io.shadow.model.intel;
