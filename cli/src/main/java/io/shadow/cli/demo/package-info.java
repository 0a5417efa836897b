/**
 * {@code bin/shadow demo}: the whole loop on embedded defaults, wired from product components.
 */
package io.shadow.cli.demo;
