package io.shadow.mitigation.actuate;

/**
 * The result of applying an action.
 *
 * @param handle what {@link Actuator#undo} needs (a rule id, a command id)
 * @param detail what was done, for people
 */
public record Applied(String handle, String detail) {
}
