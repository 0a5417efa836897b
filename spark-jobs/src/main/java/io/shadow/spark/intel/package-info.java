/**
 * The threat-intelligence sync: feeds (STIX files, TAXII collections, plain and CSV lists) MERGEd
 * into the {@code threat_indicators} Delta table that the training set and the scorer match against.
 */
package io.shadow.spark.intel;
