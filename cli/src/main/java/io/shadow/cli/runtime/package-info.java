/**
 * One running service: the online scorer and the mitigation API on one HTTP server.
 */
package io.shadow.cli.runtime;
