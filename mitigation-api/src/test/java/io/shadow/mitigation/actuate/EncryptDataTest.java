package io.shadow.mitigation.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ResourceType;
import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.store.ActionRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * encrypt_data on a real directory: after a medium-band anomaly its files hold only AES-GCM
 * ciphertext (no plaintext left, nested files and a multi-chunk file included); rejecting restores
 * every byte; locations outside the configured roots are refused.
 */
class EncryptDataTest {
    private static final byte[] SECRET = "IBAN DE89 3704 0044 0532 0130 00; salary 91,500".getBytes(
            StandardCharsets.UTF_8);
    @TempDir
    Path dir;
    private Path data;
    private RunningApi api;
    private byte[] big;

    @BeforeEach
    void start() throws Exception {
        data = dir.resolve("data/finance");
        Files.createDirectories(data.resolve("2025/q1"));
        Files.write(data.resolve("payroll.csv"), SECRET);
        Files.write(data.resolve("2025/q1/ledger.csv"), SECRET);
        big = new byte[(1 << 20) * 2 + 12345];
        new Random(7).nextBytes(big);
        Files.write(data.resolve("2025/backup.bin"), big);
        MitigationOptions options = MitigationOptions.defaults(dir.resolve("keys"))
                .withEncryptionRoots(List.of(dir.resolve("data")));
        api = RunningApi.start(dir.resolve("store"), RunningApi.profiles("data-actions.yaml"),
                new ManualClock(Assessments.T0), options);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private Outcome anomalyOn(String resource, double risk) {
        return api.handle(Assessments.risk(risk).on(ResourceType.DATA_STORAGE, resource).build());
    }

    @Test
    void encryptingLeavesOnlyCiphertextAndRejectingRestoresEveryByte() throws Exception {
        String location = data.toUri().toString();
        anomalyOn(location, 40);
        assertThat(Files.list(dir.resolve("keys")).map(p -> p.getFileName().toString())).as("master key")
                .containsExactly("master.key");

        Outcome o = anomalyOn(location, 60);

        ActionRecord a = api.store().actionsOf(o.mitigationId()).get(0);
        assertThat(a.status()).as(a.detail()).isEqualTo(ActionRecord.APPLIED);
        assertThat(a.detail()).startsWith("encrypted 3 file(s) under " + data);
        for (Path f : List.of(data.resolve("payroll.csv"), data.resolve("2025/q1/ledger.csv"),
                data.resolve("2025/backup.bin"))) {
            byte[] now = Files.readAllBytes(f);
            assertThat(FileEncryption.isEncrypted(f)).isTrue();
            assertThat(new String(now, StandardCharsets.ISO_8859_1)).doesNotContain("IBAN", "salary");
        }
        assertThat(Files.size(data.resolve("2025/backup.bin"))).isEqualTo(big.length + 8 + 7 + 3 * 16);

        api.post("/v1/mitigations/" + o.mitigationId() + "/reject", RunningApi.OPERATOR, "");

        assertThat(Files.readAllBytes(data.resolve("payroll.csv"))).isEqualTo(SECRET);
        assertThat(Files.readAllBytes(data.resolve("2025/q1/ledger.csv"))).isEqualTo(SECRET);
        assertThat(Files.readAllBytes(data.resolve("2025/backup.bin"))).isEqualTo(big);
        assertThat(api.store().actionsOf(o.mitigationId())).extracting(ActionRecord::status)
                .containsExactly(ActionRecord.UNDONE);
    }

    @Test
    void aLocationOutsideTheRootsIsNeverTouched() throws Exception {
        Path elsewhere = dir.resolve("elsewhere");
        Files.createDirectories(elsewhere);
        Files.write(elsewhere.resolve("notes.txt"), SECRET);

        Outcome o = anomalyOn(elsewhere.toString(), 60);

        ActionRecord a = api.store().actionsOf(o.mitigationId()).get(0);
        assertThat(a.status()).isEqualTo(ActionRecord.SKIPPED);
        assertThat(a.detail()).isEqualTo("encrypt_data refuses " + elsewhere + ": it is not under "
                + "mitigation.encryption.roots [" + dir.resolve("data") + "]; add its parent there to allow it");
        assertThat(Files.readAllBytes(elsewhere.resolve("notes.txt"))).isEqualTo(SECRET);
    }

    @Test
    void aSymbolicLinkCannotLeadEncryptionOutOfTheRootsAndLinkedFilesAreLeftAlone() throws Exception {
        Path outside = dir.resolve("etc");
        Files.createDirectories(outside);
        Files.write(outside.resolve("passwd"), SECRET);
        Files.createSymbolicLink(dir.resolve("data/shortcut"), outside);
        Files.createSymbolicLink(data.resolve("linked-passwd"), outside.resolve("passwd"));

        Outcome escaped = anomalyOn(dir.resolve("data/shortcut").toString(), 60);
        ActionRecord refused = api.store().actionsOf(escaped.mitigationId()).get(0);
        assertThat(refused.status()).isEqualTo(ActionRecord.SKIPPED);
        assertThat(refused.detail()).startsWith("encrypt_data refuses " + outside.toRealPath());
        Outcome dotted = api.handle(Assessments.risk(60).principal("u-2").on(ResourceType.DATA_STORAGE,
                data.toUri() + "/../../etc").build());
        assertThat(api.store().actionsOf(dotted.mitigationId()).get(0).status()).isEqualTo(ActionRecord.SKIPPED);

        Outcome o = api.handle(Assessments.risk(60).principal("u-3").on(ResourceType.DATA_STORAGE, data.toString())
                .build());
        assertThat(api.store().actionsOf(o.mitigationId()).get(0).detail()).startsWith("encrypted 3 file(s)");
        assertThat(Files.isSymbolicLink(data.resolve("linked-passwd"))).as("the link is kept").isTrue();
        assertThat(Files.readAllBytes(outside.resolve("passwd"))).isEqualTo(SECRET);
    }

    @Test
    void aSecondEncryptionOfAnEncryptedLocationIsRefusedAndAFailedUndoLeavesTheActionInForce() throws Exception {
        Outcome first = anomalyOn(data.toString(), 60);
        Outcome second = api.handle(Assessments.risk(60).principal("u-2").on(ResourceType.DATA_STORAGE,
                data.toString()).build());
        ActionRecord refused = api.store().actionsOf(second.mitigationId()).get(0);
        assertThat(refused.status()).isEqualTo(ActionRecord.SKIPPED);
        assertThat(refused.detail()).contains("already holds files Shadow encrypted");

        // the ciphertext of one file is altered while encrypted: its undo cannot succeed
        Path ledger = data.resolve("2025/q1/ledger.csv");
        byte[] c = Files.readAllBytes(ledger);
        c[c.length - 1] ^= 1;
        Files.write(ledger, c);
        Outcome third = api.handle(Assessments.risk(60).principal("u-3").on(ResourceType.DATA_STORAGE,
                dir.resolve("data").toString()).build());
        assertThat(api.store().actionsOf(third.mitigationId()).get(0).status()).isEqualTo(ActionRecord.SKIPPED);

        var answer = api.post("/v1/mitigations/" + first.mitigationId() + "/reject", RunningApi.OPERATOR, "");

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.body()).contains("encrypt_data", "stay in force");
        assertThat(api.store().actionsOf(first.mitigationId())).extracting(ActionRecord::status)
                .containsExactly(ActionRecord.APPLIED);
        assertThat(api.store().auditLog(null)).anyMatch(e -> e.action().equals("action.undo_failed"));
    }
}
