/**
 * Mitigation profiles in YAML (risk band x resource type -> actions), validated with line and key.
 */
package io.shadow.mitigation.profile;
