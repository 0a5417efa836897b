package io.shadow.mitigation.engine;

/**
 * Actions of a mitigation were put in force, then the store failed before they were recorded: the
 * message names what is in force. Not an outage to wait out — acting again would repeat them — so
 * {@link MitigationHandoff} does not hold the assessment for another try.
 */
public final class IncompleteMitigationException extends RuntimeException {
    public IncompleteMitigationException(String message, Throwable cause) {
        super(message, cause);
    }
}
