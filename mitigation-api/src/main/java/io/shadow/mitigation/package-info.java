/**
 * The mitigation side: bands, the service that wires store, actuators and engine together.
 */
package io.shadow.mitigation;
