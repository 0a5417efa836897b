/**
 * The model registry: runs, versions and aliases in MLflow's layout; a local directory by default.
 */
package io.shadow.model.registry;
