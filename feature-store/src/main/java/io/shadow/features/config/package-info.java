/**
 * Typed configuration resolved in one place: defaults, YAML file, environment, overrides; errors
 * name the key.
 */
package io.shadow.features.config;
