package io.shadow.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.scorer.shard.RecentEventIds;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The de-duplication window: every id is remembered until at least {@code capacity} newer distinct
 * ids were taken, and forgotten within 17/16 of that (epochs of {@code capacity / 16} ids).
 */
class RecentEventIdsTest {

    @Test
    void remembersAtLeastTheLastCapacityIdsAndForgetsOlderOnes() {
        RecentEventIds recent = new RecentEventIds(32, 1); // epochs of 2 ids: a window of 32 to 33
        for (int i = 0; i < 32; i++) {
            assertThat(recent.add(recent.hash("acme", "e" + i))).as("e%d", i).isTrue();
        }
        assertThat(recent.add(recent.hash("acme", "e0"))).as("32 newer ids or fewer: remembered").isFalse();
        assertThat(recent.add(recent.hash("acme", "e32"))).isTrue();
        assertThat(recent.add(recent.hash("acme", "e33"))).isTrue();
        assertThat(recent.add(recent.hash("acme", "e34"))).isTrue();
        assertThat(recent.add(recent.hash("acme", "e0"))).as("34 newer ids: forgotten").isTrue();
        assertThat(recent.add(recent.hash("acme", "e5"))).as("30 newer ids: remembered").isFalse();
        assertThat(recent.hash("ab", "c")).isNotEqualTo(recent.hash("a", "bc"));
        assertThat(recent.hash("acme", "web-1", "x")).as("another host's event with the same id is another event")
                .isNotEqualTo(recent.hash("acme", "web-2", "x"));
        assertThat(recent.hash("acme", "web-1", "x")).isNotEqualTo(recent.hash("acme", "web-", "1x"));
    }

    @Test
    void agreesWithTheEpochModelUnderChurnAndPastTheEpochCounterWrappingRound() {
        // epochs of one id: 400,000 ids go round the 16-bit epoch counter six times, and a pool of
        // 40 ids against a window of 16 to 17 brings each one back both inside and outside it
        assertAgreesWithModel(16, 40, 400_000, 11);
        // a larger table with longer epochs
        assertAgreesWithModel(5_000, 9_000, 300_000, 7);
    }

    @Test
    void aWindowWrittenAndReadBackAnswersEveryLaterIdAsTheOriginalDoes() throws Exception {
        // three stripes of ~113,000 slots each: written in many chunks
        RecentEventIds original = new RecentEventIds(100_000, 3);
        Random random = new Random(5);
        for (int i = 0; i < 150_000; i++) {
            original.add(original.hash("acme", "e" + random.nextInt(200_000)));
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        original.write(new java.io.DataOutputStream(bytes));
        RecentEventIds restored = RecentEventIds.read(new java.io.DataInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray())), 100_000, 3);
        assertThat(restored).isNotNull();
        int duplicates = 0;
        for (int i = 0; i < 200_000; i++) {
            String id = "e" + random.nextInt(200_000);
            boolean taken = original.add(original.hash("acme", id));
            assertThat(restored.add(restored.hash("acme", id))).as("id %s, step %d", id, i).isEqualTo(taken);
            duplicates += taken ? 0 : 1;
        }
        assertThat(duplicates).as("the test exercises remembered ids too").isGreaterThan(20_000);

        assertThat(RecentEventIds.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(
                bytes.toByteArray())), 100_000, 4)).as("kept for another shard count").isNull();
        byte[] earlierFormat = bytes.toByteArray().clone();
        earlierFormat[7] = 1; // the format number after the magic: version 1 kept the counters first
        assertThat(RecentEventIds.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(
                earlierFormat)), 100_000, 3)).as("kept by an earlier version").isNull();
    }

    @Test
    void aWindowWrittenWhileIdsArriveKeepsEveryIdTakenBeforeTheWriteBegan() throws Exception {
        RecentEventIds recent = new RecentEventIds(1_000_000, 2); // ~17 MB: many chunks per stripe
        for (int i = 0; i < 200_000; i++) {
            recent.add(recent.hash("acme", "before-" + i));
        }
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger during = new java.util.concurrent.atomic.AtomicInteger();
        Thread scorer = new Thread(() -> {
            while (writing.get() && during.get() < 300_000) {
                recent.add(recent.hash("acme", "during-" + during.getAndIncrement()));
            }
        });
        scorer.start();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        recent.write(new java.io.DataOutputStream(bytes));
        writing.set(false);
        scorer.join();

        RecentEventIds restored = RecentEventIds.read(new java.io.DataInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray())), 1_000_000, 2);
        assertThat(during.get()).as("ids arrived while the window was written").isPositive();
        for (int i = 0; i < 200_000; i++) {
            assertThat(restored.add(restored.hash("acme", "before-" + i))).as("before-%d", i).isFalse();
        }
        assertThat(restored.add(restored.hash("acme", "after"))).isTrue();
    }

    @Test
    void aBatchTakesEachIdOnceAndMarksRepeatsAcrossStripes() {
        RecentEventIds recent = new RecentEventIds(1_000, 4);
        assertThat(recent.add(recent.hash("acme", "earlier"))).isTrue();
        String[] ids = {"a", "b", "a", "earlier", "c", "b", "d"};
        long[] hashes = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            hashes[i] = recent.hash("acme", ids[i]);
        }
        boolean[] duplicate = new boolean[ids.length];
        recent.addAll(hashes, duplicate);
        assertThat(duplicate).containsExactly(false, false, true, true, false, true, false);
        recent.addAll(hashes, duplicate);
        assertThat(duplicate).as("all of them again").containsOnly(true);
    }

    @Test
    void idsTakenAndForgottenRightAwayDoNotShortenTheWindow() {
        // a batch refused before it was scored forgets its ids: they must not push older ids out
        RecentEventIds recent = new RecentEventIds(160, 1); // epochs of 10 ids
        long x = recent.hash("acme", "x");
        assertThat(recent.add(x)).isTrue();
        for (int retry = 0; retry < 400; retry++) {
            long y = recent.hash("acme", "refused-" + retry);
            assertThat(recent.add(y)).isTrue();
            recent.forget(y);
        }
        assertThat(recent.add(x)).as("no newer id was kept").isFalse();
    }

    @Test
    void idsThatDifferOnlyInLengthOrInCharactersTopBitsAreDifferentIds() {
        RecentEventIds recent = new RecentEventIds(1_000, 1);
        assertThat(recent.hash("acme", "h", "a\0\0\0")).isNotEqualTo(recent.hash("acme", "h", "a"));
        assertThat(recent.hash("acme", "h", "x\0\0\0y")).isNotEqualTo(recent.hash("acme", "h", "xy"));
        assertThat(recent.hash("acme", "h", "abc\u8064efg\u8068")).isNotEqualTo(recent.hash("acme", "h", "abcdefgh"));
        assertThat(recent.hash("acme", "hos\u8074", "evt\u8031")).isNotEqualTo(recent.hash("acme", "host", "evt1"));
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

    /**
     * Draws ids at random from a pool and checks each answer against the documented rule: an id is
     * a duplicate exactly while fewer than 17 epochs began since the epoch it was taken in.
     */
    private static void assertAgreesWithModel(int capacity, int pool, int steps, long seed) {
        RecentEventIds recent = new RecentEventIds(capacity, 1);
        int perEpoch = (capacity + 15) / 16;
        Map<String, Long> takenAt = new HashMap<>(); // id -> how many ids were taken before it
        long taken = 0;
        Random random = new Random(seed);
        for (int i = 0; i < steps; i++) {
            String id = "evt-" + random.nextInt(pool);
            Long at = takenAt.get(id);
            boolean remembered = at != null && taken / perEpoch - at / perEpoch <= 16;
            assertThat(recent.add(recent.hash("acme", id))).as("step %d, %s", i, id).isEqualTo(!remembered);
            if (!remembered) {
                takenAt.put(id, taken++);
            }
        }
    }
}
