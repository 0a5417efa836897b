package io.shadow.scorer.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A bucket that fills up spills into the next one, and no id is forgotten early for it: ids chosen
 * to share one bucket (which random ids do with odds of about 1 in 10,000) are all remembered, and
 * all forgotten once the window has passed them.
 */
class RecentEventIdsSpillTest {

    @Test
    void idsBeyondAFullBucketAreRememberedAndExpireWithTheWindow() {
        RecentEventIds.Stripe stripe = new RecentEventIds.Stripe(1_600); // epochs of 100 ids
        List<Long> crowded = sameBucket(stripe, 40); // 15 fit in a bucket: two spill over
        for (long h : crowded) {
            assertThat(stripe.add(h)).isTrue();
        }
        for (long h : crowded) {
            assertThat(stripe.add(h)).as("remembered though its bucket was full").isFalse();
        }
        stripe.remove(crowded.get(39));
        assertThat(stripe.add(crowded.get(39))).as("forgotten, so new again").isTrue();
        Random random = new Random(3);
        for (int i = 0; i < 1_540; i++) {
            stripe.add(random.nextLong()); // 1,580 newer ids in all: inside the window of 1,600 to 1,700
        }
        for (long h : crowded) {
            assertThat(stripe.add(h)).as("still inside the window").isFalse();
        }
        for (int i = 0; i < 1_800; i++) {
            stripe.add(random.nextLong());
        }
        for (long h : crowded) {
            assertThat(stripe.add(h)).as("past the window: forgotten").isTrue();
        }
    }

    private static List<Long> sameBucket(RecentEventIds.Stripe stripe, int n) {
        Random random = new Random(5);
        long first = random.nextLong();
        List<Long> out = new ArrayList<>(List.of(first));
        while (out.size() < n) {
            long h = random.nextLong();
            if (stripe.home(h) == stripe.home(first)) {
                out.add(h);
            }
        }
        return out;
    }
}
