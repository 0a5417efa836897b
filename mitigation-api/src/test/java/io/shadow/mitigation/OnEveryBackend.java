package io.shadow.mitigation;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs a test class once per store backend: H2 in a temp dir, and the real PostgreSQL that
 * {@code bin/test-services} starts (see {@link StoreBackend}).
 */
@ParameterizedClass(name = "{0}")
@ValueSource(strings = {"h2", "postgresql"})
public abstract class OnEveryBackend {
    @Parameter
    protected String backend;
    @TempDir
    protected Path dir;
    private StoreBackend store;

    /** The backend of this run, opened on first use. */
    protected StoreBackend store() {
        if (store == null) {
            store = StoreBackend.of(backend, dir);
        }
        return store;
    }
}
