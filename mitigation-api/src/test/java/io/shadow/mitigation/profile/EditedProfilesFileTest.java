package io.shadow.mitigation.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.mitigation.LoggedWarnings;
import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.MitigationService;
import io.shadow.mitigation.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A profiles file edited between two starts of the service, with a real store: the rules in force
 * never silently differ from the file the operator edited.
 */
class EditedProfilesFileTest {
    @TempDir
    Path dir;

    private String defaults() throws Exception {
        try (var in = ProfileLoader.class.getResourceAsStream(ProfileLoader.DEFAULT_RESOURCE)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Starts and stops the service on {@code file}; the version in force. */
    private int serve(Path file) {
        Database db = Database.open(Database.h2Url(dir.resolve("store")), "sa", "");
        try (MitigationService service = new MitigationService(db, ProfileLoader.load(file), file.toString(),
                Clock.systemUTC(), Duration.ofHours(1), Duration.ofMinutes(1),
                MitigationOptions.defaults(dir.resolve("keys")))) {
            return service.engine().profiles().version();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    @Test
    void anEditWithoutANewVersionIsRefusedNamingTheFileAndTheVersionToSet() throws Exception {
        Path file = Files.writeString(dir.resolve("mine.yaml"), defaults());
        assertThat(serve(file)).isEqualTo(1);
        assertThat(serve(file)).as("the same file again starts as before").isEqualTo(1);

        Files.writeString(file, defaults().replace("per_minute: 20", "per_minute: 5"));

        assertThatThrownBy(() -> serve(file)).isInstanceOf(ProfileException.class)
                .hasMessage("profiles file " + file + " has version 1, the version stored and in force (stored from "
                        + "the profiles configured at an earlier start), but different rules: started, Shadow would "
                        + "keep the stored rules and ignore the edit. Raise 'version' in " + file + " to 2 to put the "
                        + "edited rules in force (or undo the edit; the stored rules are written to " + file
                        + ".stored-v1 to compare with)");
        assertThat(Files.readString(Path.of(file + ".stored-v1"))).as("the rules in force, beside the edited file")
                .contains("per_minute: \"20\"").doesNotContain("per_minute: \"5\"");
        Files.writeString(file, defaults().replace("per_minute: 20", "per_minute: 5").replace("version: 1",
                "version: 2"));
        assertThat(serve(file)).as("raised as the message says").isEqualTo(2);
    }

    @Test
    void aFileOlderThanTheStoredVersionIsAWarningSayingHowToPutItInForce() throws Exception {
        Path file = Files.writeString(dir.resolve("mine.yaml"), defaults().replace("version: 1", "version: 2"));
        assertThat(serve(file)).isEqualTo(2);
        Files.writeString(file, defaults().replace("per_minute: 20", "per_minute: 5"));

        try (LoggedWarnings warnings = LoggedWarnings.of(ProfileVersions.class)) {
            assertThat(serve(file)).as("the stored version stays in force").isEqualTo(2);

            assertThat(warnings.messages()).containsExactly("profiles file " + file + " has version 1, older than "
                    + "the stored version 2 in force (stored from the profiles configured at an earlier start): its "
                    + "rules are not in force. To put them in force, raise 'version' in " + file + " to 3 and "
                    + "restart");
        }
    }
}
