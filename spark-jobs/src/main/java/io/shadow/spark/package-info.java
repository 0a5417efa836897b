/**
 * Spark plumbing shared by the jobs: session settings, Delta tables from the catalog, event rows.
 */
package io.shadow.spark;
