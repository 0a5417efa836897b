/** Plain, DROP-style and abuse.ch CSV blocklists → indicators. */
package io.shadow.model.intel.feed;
