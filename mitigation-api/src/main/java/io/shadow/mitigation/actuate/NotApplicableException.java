package io.shadow.mitigation.actuate;

/** The action does not fit the target (e.g. a user lock-out when no user is involved); it is skipped. */
public final class NotApplicableException extends RuntimeException {
    public NotApplicableException(String reason) {
        super(reason);
    }
}
