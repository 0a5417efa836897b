/** STIX 2.1: the value-naming subset of the patterning language, and indicator objects → indicators. */
package io.shadow.model.intel.stix;
