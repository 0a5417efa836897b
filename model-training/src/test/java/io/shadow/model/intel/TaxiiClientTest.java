package io.shadow.model.intel;

import static io.shadow.model.intel.taxii.TaxiiTestServer.COLLECTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shadow.model.intel.taxii.TaxiiClient;
import io.shadow.model.intel.taxii.TaxiiCursors;
import io.shadow.model.intel.taxii.TaxiiException;
import io.shadow.model.intel.taxii.TaxiiSettings;
import io.shadow.model.intel.taxii.TaxiiTestServer;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TAXII client against a real TAXII 2.1 server on a free port, serving the STIX fixture. */
class TaxiiClientTest {
    private static final Instant T0 = Instant.parse("2026-11-20T08:00:00Z");
    private static final int PAGE = 3;

    private TaxiiTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TaxiiTestServer(PAGE);
        server.addAll(new ObjectMapper().readTree(StixBundleParserTest.fixture("stix-bundle.json").toFile()), T0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TaxiiSettings settings(String password, List<String> collections) {
        return new TaxiiSettings(server.discovery(), collections, TaxiiTestServer.USER, password, "");
    }

    @Test
    void syncPagesThroughTheCollectionThenFetchesOnlyWhatWasAddedAfterTheCursor() {
        TaxiiClient client = new TaxiiClient(settings(TaxiiTestServer.PASSWORD, List.of()));
        TaxiiCursors cursors = TaxiiCursors.empty();
        List<TaxiiTestServer.Stored> objects = server.objects();

        List<TaxiiClient.CollectionSync> first = client.sync(cursors);
        assertThat(first).singleElement().satisfies(s -> {
            assertThat(s.collection().title()).as("the write-only collection is left out").isEqualTo("C2 indicators");
            assertThat(s.pages()).isEqualTo((objects.size() + PAGE - 1) / PAGE);
            assertThat(s.batch().source()).isEqualTo("taxii:C2 indicators");
            assertThat(s.batch().indicators()).extracting(Indicator::value).contains("198.51.100.7",
                    "2001:db8:bad::/48", "evil.example");
            assertThat(s.batch().skipped()).hasSize(4);
            assertThat(s.dateAddedLast()).isEqualTo(objects.get(objects.size() - 1).added().toString());
        });
        cursors.advance(first.get(0).collection().objectsUrl().toString(), first.get(0).dateAddedLast());
        TaxiiCursors reloaded = TaxiiCursors.fromJson(cursors.toJson(), "test");

        // the feed revokes the C2 indicator and adds a new one
        ObjectNode revoked = objects.get(1).object().deepCopy();
        revoked.put("modified", "2026-11-20T09:00:00.000Z").put("revoked", true);
        ObjectNode added = objects.get(1).object().deepCopy();
        added.put("id", "indicator--e1000000-0000-4000-8000-000000000001")
                .put("pattern", "[ipv4-addr:value = '198.51.100.99']");
        Instant cursor = objects.get(objects.size() - 1).added();
        server.add(T0.plusSeconds(3600), revoked);
        server.add(T0.plusSeconds(3601), added);
        server.requests().clear();

        List<TaxiiClient.CollectionSync> second = client.sync(reloaded);
        assertThat(second.get(0).batch().indicators()).extracting(i -> i.value() + (i.revoked() ? " revoked" : ""))
                .containsExactlyInAnyOrder("198.51.100.7 revoked", "198.51.100.99");
        assertThat(server.requests()).filteredOn(u -> u.getPath().endsWith("/objects/")).singleElement()
                .extracting(URI::getQuery).asString().contains("added_after=" + cursor);
        ThreatIntel intel = ThreatIntel.builder().addAll(first.get(0).batch()).addAll(second.get(0).batch()).build();
        assertThat(intel.matchIp("198.51.100.7", T0)).isEmpty();
        assertThat(intel.matchIp("198.51.100.99", T0)).isPresent();
    }

    @Test
    void bearerTokensAreSentAsSuchAndNeverPrinted() {
        TaxiiSettings bearer = new TaxiiSettings(server.discovery(), List.of(), "", "", "tok-123");
        assertThatThrownBy(() -> new TaxiiClient(bearer).apiRoot()).isInstanceOf(TaxiiException.class)
                .extracting(e -> ((TaxiiException) e).status()).isEqualTo(401);
        assertThat(bearer.toString()).doesNotContain("tok-123");
    }

    @Test
    void aRejectedLoginNamesTheUrlTheStatusAndTheSettingToFix() {
        TaxiiClient client = new TaxiiClient(settings("wrong", List.of()));
        assertThatThrownBy(client::apiRoot).isInstanceOf(TaxiiException.class).hasMessage("TAXII GET "
                + server.base() + "/taxii2/ answered HTTP 401 (Unauthorized); check intel.taxii.user/"
                + "intel.taxii.password or intel.taxii.token");
    }

    @Test
    void anUnknownCollectionIsRefusedListingTheAvailableOnes() {
        TaxiiClient client = new TaxiiClient(settings(TaxiiTestServer.PASSWORD, List.of("APT feed")));
        assertThatThrownBy(() -> client.sync(TaxiiCursors.empty())).hasMessageStartingWith(
                "intel.taxii.collections: no collection 'APT feed' at " + server.base() + "/taxii2/; available: ["
                        + COLLECTION + " (C2 indicators)");
    }

    @Test
    void aCollectionCanBeChosenByTitleAndAWrongUrlSays404() {
        assertThat(new TaxiiClient(settings(TaxiiTestServer.PASSWORD, List.of("C2 indicators")))
                .sync(TaxiiCursors.empty())).hasSize(1);
        TaxiiSettings wrong = new TaxiiSettings(URI.create(server.base() + "/taxii/"), List.of(), TaxiiTestServer.USER,
                TaxiiTestServer.PASSWORD, "");
        assertThatThrownBy(() -> new TaxiiClient(wrong).apiRoot()).hasMessageContaining("HTTP 404")
                .hasMessageContaining("check intel.taxii.url");
    }

    @Test
    void aServerWithoutNextTokensIsPagedByAddedAfter() throws Exception {
        try (TaxiiTestServer dated = new TaxiiTestServer(PAGE, false)) {
            dated.addAll(new ObjectMapper().readTree(StixBundleParserTest.fixture("stix-bundle.json").toFile()), T0);
            TaxiiSettings s = new TaxiiSettings(dated.discovery(), List.of(), TaxiiTestServer.USER,
                    TaxiiTestServer.PASSWORD, "");
            TaxiiClient.CollectionSync sync = new TaxiiClient(s).sync(TaxiiCursors.empty()).get(0);
            assertThat(sync.pages()).isEqualTo((dated.objects().size() + PAGE - 1) / PAGE);
            assertThat(sync.batch().indicators()).extracting(Indicator::value).contains("198.51.100.7",
                    "185.220.102.9");
            assertThat(dated.requests()).filteredOn(u -> u.getPath().endsWith("/objects/")).extracting(URI::getQuery)
                    .as("each page asks for what was added after the previous one").containsExactly(null,
                            "added_after=" + T0.plusSeconds(PAGE - 1), "added_after=" + T0.plusSeconds(2 * PAGE - 1),
                            "added_after=" + T0.plusSeconds(3 * PAGE - 1), "added_after=" + T0.plusSeconds(4 * PAGE - 1),
                            "added_after=" + T0.plusSeconds(5 * PAGE - 1));
        }
    }
}
