package io.shadow.model.registry;

import java.time.Instant;

/**
 * The version an alias pointed at when the registry was last reached, with its files in the local
 * cache: what a scorer starting while the registry cannot be reached serves instead of no model.
 *
 * @param confirmedAt when the registry last said the alias points at it
 * @param registry the registry that said so, as messages show it (a password masked)
 */
public record CachedVersion(ModelVersion version, Instant confirmedAt, String registry) {
}
