/**
 * Plain, DROP-style and abuse.ch CSV blocklists → indicators; network entries out of scope are refused
 * with their line.
 */
package io.shadow.model.intel.feed;
