/** Reading request bodies as events (JSON array, NDJSON) and writing the intake answers. */
package io.shadow.scorer.intake;
