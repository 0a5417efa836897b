package io.shadow.mitigation;

/** The real servers and tools tests use, as {@code bin/test-services} exports them. */
public final class TestEnv {
    private TestEnv() {
    }

    /** The variable's value; fails the test with what to do when it is missing. */
    public static String require(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set: this test needs the real server or tool it names. "
                    + "Run bin/test, or eval \"$(bin/test-services start)\" in the shell that runs mvn");
        }
        return v;
    }
}
