/** TAXII 2.1 client (JDK HttpClient + Jackson) and the per-collection {@code added_after} cursors. */
package io.shadow.model.intel.taxii;
