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
    void anEntitySprayingNewValuesIsJudgedButRemembersAtMostTheCap() throws IOException {
        OnlineNovelty n = new OnlineNovelty();
        for (int i = 0; i < OnlineNovelty.MAX_REMEMBERED + 5000; i++) {
            assertThat(n.lnEvidence(UA, "agent-" + i, null, null)).as("value %d is new", i).isLessThanOrEqualTo(0);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        n.write(new DataOutputStream(bytes));
        OnlineNovelty restored = new OnlineNovelty();
        int[] same = new int[NoveltyAttribute.values().length];
        Arrays.setAll(same, i -> i);
        restored.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), same);

        // the first values are remembered, the rest only counted
        assertThat(restored.lnEvidence(UA, "agent-0", null, null)).isZero();
        assertThat(restored.lnEvidence(UA, "agent-" + (OnlineNovelty.MAX_REMEMBERED + 10), null, null)).isNegative();
        // the state written stays bounded: the cap's values and a few numbers per attribute
        assertThat(bytes.size()).isLessThan(OnlineNovelty.MAX_REMEMBERED * 20 + 1000);
    }
}
