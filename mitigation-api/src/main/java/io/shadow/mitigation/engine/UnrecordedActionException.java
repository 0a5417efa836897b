package io.shadow.mitigation.engine;

/**
 * An action was put in force, the store refused to record it, and undoing it through its actuator
 * failed too: it is in force with no record, so nothing in Shadow can expire or undo it. The
 * message names it and says to undo it by hand.
 */
final class UnrecordedActionException extends RuntimeException {
    UnrecordedActionException(String message, Throwable cause) {
        super(message, cause);
    }
}
