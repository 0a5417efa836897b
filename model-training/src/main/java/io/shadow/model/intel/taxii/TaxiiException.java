package io.shadow.model.intel.taxii;

/** A TAXII request that failed; the message names the URL, the HTTP status if any, and the fix. */
public final class TaxiiException extends RuntimeException {
    private final String url;
    private final int status;

    public TaxiiException(String url, int status, String message) {
        super(message);
        this.url = url;
        this.status = status;
    }

    public TaxiiException(String url, String message, Throwable cause) {
        super(message, cause);
        this.url = url;
        this.status = -1;
    }

    public String url() {
        return url;
    }

    /** HTTP status, or -1 when no response came. */
    public int status() {
        return status;
    }
}
