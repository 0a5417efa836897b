package io.shadow.model.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The order in which other hours are asked whether they make a value usual: nearest first. */
class UsualHourTest {
    @Test
    void hoursAreVisitedNearestFirstTheLaterBeforeTheEarlierAcrossMidnight() {
        List<Integer> from3 = new ArrayList<>();
        for (int k = 1; k < 24; k++) {
            from3.add(UsualHour.nth(3, k));
        }
        assertThat(from3).startsWith(4, 2, 5, 1, 6, 0, 7, 23).endsWith(14, 16, 15).doesNotContain(3)
                .doesNotHaveDuplicates().hasSize(23);
    }

    @Test
    void orderIsTheInverseOfNthForEveryHourPair() {
        IntStream.range(0, 24).forEach(hour -> IntStream.range(1, 24).forEach(k ->
                assertThat(UsualHour.order(hour, UsualHour.nth(hour, k))).as("hour %d, k %d", hour, k).isEqualTo(k)));
    }
}
