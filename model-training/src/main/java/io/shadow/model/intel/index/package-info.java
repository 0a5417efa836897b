/** Look-up structures behind ThreatIntel: nested CIDR ranges searched by binary search, value maps. */
package io.shadow.model.intel.index;
