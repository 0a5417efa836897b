package io.shadow.mitigation.api;

/** An error a client caused, with the HTTP status to answer and a message that says how to fix it. */
public final class ApiError extends RuntimeException {
    private final int status;

    public ApiError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
