package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.ActivityEvent;
import io.shadow.features.EntityKey;
import io.shadow.features.EventClass;
import io.shadow.features.Feature;
import io.shadow.features.NoveltyAttribute;
import io.shadow.features.ResourceType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventPartsTest {

    @Test
    void aProcessStartConcernsItsHostAndItsPrincipalInTheOrderTheDefinitionsNameThem() {
        ActivityEvent start = ActivityEvent.builder().time(Instant.parse("2026-11-25T10:00:00Z")).tenant("acme")
                .eventClass(EventClass.PROCESS_ACTIVITY).operation("exec").principal("alice").host("web-1")
                .resourceType(ResourceType.PROCESS).resourceId("/usr/bin/curl").srcIp("10.1.2.3").build();

        EventParts parts = new EventParts().of(start);

        assertThat(parts.entities()).isEqualTo(2);
        assertThat(parts.key(0)).isEqualTo(EntityKey.host("acme", "web-1"));
        assertThat(parts.feature(0, 0)).isEqualTo(Feature.PROCESS_STARTS);
        assertThat(parts.attribute(0, 0)).isEqualTo(NoveltyAttribute.PROCESS);
        assertThat(parts.category(0, 0)).isEqualTo("curl");
        assertThat(parts.key(1)).isEqualTo(EntityKey.principal("acme", "alice"));
        assertThat(parts.numbers(1)).isEqualTo(6);
        assertThat(parts.category(1, 0)).isEqualTo("10.1.2.0/24");
    }

    @Test
    void manyEntitiesAndContributionsAreAllKeptAndTheNextEventStartsEmpty() {
        EventParts parts = new EventParts();
        for (int k = 0; k < 5; k++) {
            for (int f = 0; f < 20; f++) {
                parts.accept(EntityKey.principal("t", "p" + k), Feature.values()[f % Feature.values().length], k * 100 + f);
                parts.accept(EntityKey.principal("t", "p" + k), NoveltyAttribute.OPERATION, "op" + f);
            }
        }

        assertThat(parts.entities()).isEqualTo(5);
        for (int k = 0; k < 5; k++) {
            assertThat(parts.key(k).id()).isEqualTo("p" + k);
            assertThat(parts.numbers(k)).isEqualTo(20);
            assertThat(parts.categorical(k)).isEqualTo(20);
            assertThat(parts.value(k, 19)).isEqualTo(k * 100 + 19);
            assertThat(parts.category(k, 19)).isEqualTo("op19");
        }

        ActivityEvent sample = ActivityEvent.builder().time(Instant.parse("2026-11-25T10:00:00Z")).tenant("t")
                .eventClass(EventClass.RESOURCE_USAGE).operation("sample").host("h").resourceType(ResourceType.COMPUTE)
                .cpuPct(12.0).build();
        parts.of(sample);

        assertThat(parts.entities()).isEqualTo(1);
        assertThat(parts.key(0)).isEqualTo(EntityKey.host("t", "h"));
        assertThat(parts.numbers(0)).isEqualTo(2); // cpu and bytes sent; no memory sample
        assertThat(parts.categorical(0)).isZero();
    }
}
