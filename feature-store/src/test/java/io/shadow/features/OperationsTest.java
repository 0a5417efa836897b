package io.shadow.features;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OperationsTest {

    @Test
    void namesAreClassifiedWhateverTheirCaseAndAsOftenAsTheyAreAsked() {
        for (int i = 0; i < 3; i++) {
            assertThat(Operations.isPrivileged("AttachUserPolicy")).isTrue();
            assertThat(Operations.isPrivileged("attachuserpolicy")).isTrue();
            assertThat(Operations.isPrivileged("create clusterrolebindings")).isTrue();
            assertThat(Operations.isDelete("DeleteObject")).isTrue();
            assertThat(Operations.isDelete("rm")).isTrue();
            assertThat(Operations.isProcessStart("Exec")).isTrue();
            assertThat(Operations.isPrivileged("GetObject")).isFalse();
            assertThat(Operations.isDelete("GetObject")).isFalse();
            assertThat(Operations.isProcessStart("GetObject")).isFalse();
        }
    }

    @Test
    void longAndManyDistinctNamesAreStillClassified() {
        String longName = "Delete" + "x".repeat(500);
        assertThat(Operations.isDelete(longName)).isTrue();
        assertThat(Operations.isDelete(longName)).isTrue();
        for (int i = 0; i < 10_000; i++) {
            assertThat(Operations.isDelete("DeleteThing" + i)).isTrue();
            assertThat(Operations.isPrivileged("ReadThing" + i)).isFalse();
        }
        assertThat(Operations.isPrivileged("impersonate user-" + 12_345)).isTrue();
    }
}
