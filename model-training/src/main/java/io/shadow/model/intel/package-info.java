/**
 * Threat intelligence: indicators with validity windows and versions, read from feeds and the
 * {@code threat_indicators} table, indexed for online matching without scans ({@link io.shadow.model.intel.ThreatIntel}).
 * Network indicators that would match the Internet at large or internal space are refused where indicators
 * enter, for every format and the index alike ({@link io.shadow.model.intel.NetworkScope}).
 */
package io.shadow.model.intel;
