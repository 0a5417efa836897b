/**
 * Threat intelligence indexed for online matching (CIDR-aware range map, no linear scan).
 */
package io.shadow.model.intel;
