/**
 * Typed configuration: defaults, YAML file, {@code SHADOW_*} environment variables and
 * {@code --set} flags, validated with errors that name the key.
 */
package io.shadow.cli.config;
