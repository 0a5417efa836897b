package io.shadow.spark.nightly;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where a run resumes, and what it tells the operator about the run it resumes. */
class RunPlanTest {
    private static final List<String> STEPS = List.of("ingest", "features", "baselines");
    private static final RunScope DAY = RunScope.of(LocalDate.parse("2026-11-09"));

    @Test
    void aRunLeftRunningIsResumedSayingItMayBeKilledOrStillRunningElsewhere() {
        RunState left = new RunState(DAY.toString(), RunState.RUNNING, Instant.parse("2026-11-10T02:00:00Z"),
                Instant.parse("2026-11-10T02:05:00Z"), List.of("ingest"), null, null);

        RunPlan plan = RunPlan.of(STEPS, RunRequest.resumeOrRun(DAY), Optional.of(left));

        assertThat(plan.start()).isEqualTo(1);
        assertThat(plan.reason()).isEqualTo("resuming the running run of " + DAY + " at 'features' (it stopped "
                + "without a word: killed, or the machine went down; if it is still running elsewhere, stop this one: "
                + "two runs of one warehouse interfere); skipping ingest");
    }
}
