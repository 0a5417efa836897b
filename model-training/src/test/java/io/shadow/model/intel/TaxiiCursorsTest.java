package io.shadow.model.intel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shadow.model.intel.taxii.TaxiiCursors;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The per-collection added_after cursors: they only move forward, survive a round trip, and a bad file says what to do. */
class TaxiiCursorsTest {
    private static final String C = "https://taxii.example.org/api1/collections/c2/objects/";

    @Test
    void aCursorOnlyMovesForwardWhateverTheTimestampPrecision() {
        TaxiiCursors c = TaxiiCursors.empty();
        assertThat(c.addedAfter(C)).as("first sync fetches everything").isNull();
        c.advance(C, "2026-11-20T08:00:00.5Z");
        c.advance(C, "2026-11-20T08:00:00Z"); // earlier, though longer as text
        c.advance(C, null); // a page without objects carries no date
        assertThat(c.addedAfter(C)).isEqualTo("2026-11-20T08:00:00.5Z");
        c.advance(C, "2026-11-20T08:00:01.000000Z");
        assertThat(TaxiiCursors.fromJson(c.toJson(), "state.json").addedAfter(C)).isEqualTo("2026-11-20T08:00:01.000000Z");
    }

    @Test
    void anUnreadableStateFileNamesItselfAndTheFix() {
        assertThatThrownBy(() -> TaxiiCursors.fromJson("[1, 2]".getBytes(StandardCharsets.UTF_8), "/w/_state/taxii.json"))
                .hasMessageStartingWith("TAXII sync state /w/_state/taxii.json is not a JSON object")
                .hasMessageEndingWith("delete it to fetch every collection in full");
    }
}
