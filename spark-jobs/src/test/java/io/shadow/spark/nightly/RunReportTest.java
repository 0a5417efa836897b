package io.shadow.spark.nightly;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shadow.spark.feedback.FeedbackImportJob;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aResultWithoutFiguresOfItsOwnIsShownByItsFieldsInWordsWithoutTheOnesItLeftEmpty() {
        Instant t = Instant.parse("2026-11-09T02:00:00Z");
        RunReport r = new RunReport("2026-11-08", RunReport.RAN, List.of(), t, t.plusSeconds(5), 5, "first run",
                List.of(new RunReport.StepOutcome("feedback-import", RunReport.RAN, 1.5,
                        JSON.valueToTree(new FeedbackImportJob.Result(8, 7, 5, 2, null)), null)), null);

        assertThat(r.table()).endsWith("""

                Step 1 of 1, feedback-import: ran in 1.5 s
                  Feedback:    8
                  Incidents:   7
                  Confirmed:   5
                  Unreviewed:  2
                """).doesNotContain("null", "skipped");
        assertThat(new FeedbackImportJob.Result(8, 7, 5, 2, null)).hasToString("8 feedback rows, 7 reviewed incidents "
                + "(5 confirmed), 2 awaiting review (kept out of normal, unlabelled)");
        assertThat(new FeedbackImportJob.Result(8, 7, 5, 0, null)).hasToString("8 feedback rows, 7 reviewed incidents "
                + "(5 confirmed)");
    }
}
