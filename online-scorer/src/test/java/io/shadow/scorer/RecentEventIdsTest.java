package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.scorer.shard.RecentEventIds;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The de-duplication window: exactly the last {@code capacity} distinct ids, the oldest forgotten first. */
class RecentEventIdsTest {

    @Test
    void remembersTheLastIdsAndForgetsTheOldestFirst() {
        RecentEventIds recent = new RecentEventIds(3, 1);
        for (String id : new String[] {"a", "b", "c"}) {
            assertThat(recent.add(recent.hash("acme", id))).as(id).isTrue();
        }
        assertThat(recent.add(recent.hash("acme", "a"))).isFalse();
        assertThat(recent.add(recent.hash("acme", "d"))).isTrue(); // "a" is forgotten
        assertThat(recent.add(recent.hash("acme", "a"))).isTrue();
        assertThat(recent.add(recent.hash("acme", "c"))).isFalse();
        assertThat(recent.hash("ab", "c")).isNotEqualTo(recent.hash("a", "bc"));
        assertThat(recent.hash("acme", "web-1", "x")).as("another host's event with the same id is another event")
                .isNotEqualTo(recent.hash("acme", "web-2", "x"));
        assertThat(recent.hash("acme", "web-1", "x")).isNotEqualTo(recent.hash("acme", "web-", "1x"));
    }

    @Test
    void agreesWithASimpleModelUnderChurn() {
        // few distinct ids against a small table: long probe runs, so backward-shift deletion is exercised
        int capacity = 500;
        RecentEventIds recent = new RecentEventIds(capacity, 1);
        ArrayDeque<String> order = new ArrayDeque<>();
        Set<String> window = new HashSet<>();
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            String id = "evt-" + random.nextInt(1_500);
            boolean fresh = !window.contains(id);
            assertThat(recent.add(recent.hash("acme", id))).as("step %d, %s", i, id).isEqualTo(fresh);
            if (fresh) {
                order.addLast(id);
                window.add(id);
                if (order.size() > capacity) {
                    window.remove(order.removeFirst());
                }
            }
        }
    }

    @Test
    void aForgottenIdIsNewAgain() {
        RecentEventIds recent = new RecentEventIds(10, 2);
        long h = recent.hash("acme", "x");
        assertThat(recent.add(h)).isTrue();
        recent.forget(h);
        assertThat(recent.add(h)).isTrue();
        assertThat(recent.add(h)).isFalse();
    }
}
