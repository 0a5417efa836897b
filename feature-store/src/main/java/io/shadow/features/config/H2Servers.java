package io.shadow.features.config;

/**
 * The embedded mitigation store's H2 server for other processes ({@code AUTO_SERVER}) listens on the loopback
 * interface only: by default H2 listens on every interface, and whoever reaches the port with the key from the
 * lock file may read the store's access keys and write commands agents carry out. Every process that may be the
 * first to open the store (serve, the nightly run, spark-submit, a backtest) calls {@link #loopbackOnly} before H2
 * is loaded; an operator who wants otherwise sets {@code -Dh2.bindAddress} (in {@code JAVA_OPTS}).
 */
public final class H2Servers {
    /** H2's own system property for the address its servers bind to, read once when H2 is first used. */
    public static final String BIND_ADDRESS = "h2.bindAddress";

    private H2Servers() {
    }

    /** Binds H2's servers to 127.0.0.1 unless {@value #BIND_ADDRESS} is set. */
    public static void loopbackOnly() {
        if (System.getProperty(BIND_ADDRESS) == null) {
            System.setProperty(BIND_ADDRESS, "127.0.0.1");
        }
    }
}
