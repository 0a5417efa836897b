/**
 * The one JSON wire format of events, with errors that name the field at fault.
 */
package io.shadow.features.json;
