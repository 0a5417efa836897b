/**
 * The event schema ({@link io.shadow.features.ActivityEvent}, OCSF-aligned), entities, and the feature
 * definitions shared by the offline (Spark) and online (scorer) paths.
 */
package io.shadow.features;
