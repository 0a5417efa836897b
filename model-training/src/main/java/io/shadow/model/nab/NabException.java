package io.shadow.model.nab;

/**
 * A problem with a NAB input a user supplied (a data or results file, windows, profiles): the
 * message names the file and, where it can, the line and what to do.
 */
public final class NabException extends IllegalArgumentException {
    public NabException(String message) {
        super(message);
    }

    public NabException(String message, Throwable cause) {
        super(message, cause);
    }
}
