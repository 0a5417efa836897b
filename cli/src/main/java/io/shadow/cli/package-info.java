/**
 * The {@code bin/shadow} command line: one picocli subcommand per task; parsing and wiring only.
 */
package io.shadow.cli;
