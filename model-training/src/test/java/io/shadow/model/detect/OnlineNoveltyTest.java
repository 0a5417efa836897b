package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.NoveltyAttribute;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What an entity first shows online: remembered once, judged every time, and bounded. */
class OnlineNoveltyTest {
    private static final NoveltyAttribute UA = NoveltyAttribute.values()[0];

    @Test
    void aValueIsNewOnlyOnce() {
        OnlineNovelty n = new OnlineNovelty();

        assertThat(n.lnEvidence(UA, "curl/8.4", null, null)).isNegative();
        assertThat(n.lnEvidence(UA, "curl/8.4", null, null)).isZero();
    }

    @Test
    void anEntitySprayingNewValuesRemembersAtMostTheCapAndNeverJudgesAValueNewTwice() throws IOException {
        OnlineNovelty n = new OnlineNovelty();
        for (int i = 0; i < OnlineNovelty.MAX_REMEMBERED; i++) {
            assertThat(n.lnEvidence(UA, "agent-" + i, null, null)).as("value %d is new", i).isNegative();
        }
        String beyond = "agent-" + (OnlineNovelty.MAX_REMEMBERED + 10);
        assertThat(n.lnEvidence(UA, beyond, null, null)).as("beyond the cap: no evidence").isZero();
        assertThat(n.lnEvidence(UA, beyond, null, null)).as("and not new the second time either").isZero();
        for (int i = 0; i < 5000; i++) {
            n.lnEvidence(UA, "more-" + i, null, null);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        n.write(new DataOutputStream(bytes));
        OnlineNovelty restored = new OnlineNovelty();
        int[] same = new int[NoveltyAttribute.values().length];
        Arrays.setAll(same, i -> i);
        restored.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), same);

        assertThat(restored.lnEvidence(UA, "agent-0", null, null)).as("remembered across a restart").isZero();
        // the state written stays bounded: the cap's values and a few numbers per attribute
        assertThat(bytes.size()).isLessThan(OnlineNovelty.MAX_REMEMBERED * 20 + 1000);
    }
}
