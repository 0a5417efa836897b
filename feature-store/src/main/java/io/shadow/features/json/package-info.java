/**
 * The one JSON wire format of events, and the limits the scorer and ingest apply beyond it
 * ({@link io.shadow.features.json.TransferLimit}), with errors that name the field at fault.
 */
package io.shadow.features.json;
