package io.shadow.mitigation.actuate;

/**
 * The action does not fit the target (e.g. a user lock-out when no user is involved); it is skipped. A skip that
 * leaves a {@link #gap()} is one where something the action stands for is still to be done, by hand or by fixing
 * the configuration (a principal's credentials Shadow did not issue, a process without a pid, a table or folder
 * outside what Shadow may act on), as opposed to an action that has nothing to act on for this anomaly.
 */
public final class NotApplicableException extends RuntimeException {
    private final boolean gap;

    public NotApplicableException(String reason) {
        this(reason, false);
    }

    private NotApplicableException(String reason, boolean gap) {
        super(reason);
        this.gap = gap;
    }

    /** A skip that leaves something to do: an emergency mitigation that skips it alerts the operators. */
    public static NotApplicableException gap(String reason) {
        return new NotApplicableException(reason, true);
    }

    public boolean gap() {
        return gap;
    }
}
