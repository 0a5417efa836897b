/**
 * Capture sources, each turning what it reads into {@code ActivityEvent} JSON lines for the spool:
 * OSHI host metrics and processes, AWS CloudTrail delivery files (a drop directory, gzipped or not)
 * and JSON-lines logs, Kubernetes audit logs. Tailers survive rotation and record their progress
 * only after the spool has the lines.
 */
package io.shadow.agents.capture;
