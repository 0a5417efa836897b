/** Per-entity sharding of scoring work across cores: one thread per shard owns its entities' state. */
package io.shadow.scorer.shard;
