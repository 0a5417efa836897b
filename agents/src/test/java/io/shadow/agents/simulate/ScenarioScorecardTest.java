package io.shadow.agents.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.features.EntityKey;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScenarioScorecardTest {
    private static final Instant T = Instant.parse("2026-11-09T16:30:00Z");
    private static final EntityKey WIPER = EntityKey.principal("acme", "u-eng-04");
    private static final EntityKey MINER_HOST = EntityKey.host("acme", "dev-1");
    private static final EntityKey BYSTANDER = EntityKey.principal("acme", "u-fin-01");

    private static final AttackScenario WIPE = new AttackScenario("mass-deletion", "deletes 300 objects",
            Set.of(WIPER), T, T.plusSeconds(300), Band.HIGH);
    private static final AttackScenario MINING = new AttackScenario("crypto-mining", "xmrig on dev-1",
            Set.of(MINER_HOST, EntityKey.principal("acme", "u-eng-05")), T.minusSeconds(3600), T, Band.MEDIUM);

    private static ObservedMitigation mitigation(String id, EntityKey entity, Instant at, String band, double risk) {
        return new ObservedMitigation(id, entity, at, band, risk, band + "-default", "standard", "restrict");
    }

    private static ScenarioScorecard.Row row(ScenarioScorecard card, String name) {
        return card.rows().stream().filter(r -> r.scenario().name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void anEscalatingResponseIsDetectedWithItsTimeToActAndBands() {
        ObservedMitigation high = mitigation("m2", WIPER, T.plusSeconds(120), "high", 91);
        ObservedMitigation medium = mitigation("m1", WIPER, T.plusSeconds(45), "medium", 64);

        ScenarioScorecard card = ScenarioScorecard.score(List.of(WIPE), List.of(high, medium));
        ScenarioScorecard.Row wipe = row(card, "mass-deletion");

        assertThat(wipe.detected()).isTrue();
        assertThat(wipe.secondsToMitigation()).isEqualTo(45);
        assertThat(wipe.bands()).isEqualTo("medium>high");
        assertThat(wipe.bandAsExpected()).isTrue();
        assertThat(wipe.first()).contains(medium);
        assertThat(wipe.highest()).contains(high);
        assertThat(card.falseMitigations()).isEmpty();
    }

    @Test
    void aResponseThatNeverReachesTheExpectedBandIsFlagged() {
        ScenarioScorecard card = ScenarioScorecard.score(List.of(WIPE),
                List.of(mitigation("m1", WIPER, T.plusSeconds(30), "low", 22),
                        mitigation("m2", WIPER, T.plusSeconds(90), "MEDIUM", 55)));
        ScenarioScorecard.Row wipe = row(card, "mass-deletion");

        assertThat(wipe.detected()).isTrue();
        assertThat(wipe.bands()).isEqualTo("low>MEDIUM");
        assertThat(wipe.bandAsExpected()).isFalse();
        assertThat(card.table()).contains("low>MEDIUM (!)");
    }

    @Test
    void anAttackWithoutMitigationIsNotDetected() {
        ScenarioScorecard card = ScenarioScorecard.score(List.of(WIPE, MINING),
                List.of(mitigation("m1", MINER_HOST, T.minusSeconds(600), "medium", 70)));
        ScenarioScorecard.Row wipe = row(card, "mass-deletion");

        assertThat(wipe.detected()).isFalse();
        assertThat(wipe.secondsToMitigation()).isEqualTo(-1);
        assertThat(wipe.bands()).isEqualTo("-");
        assertThat(wipe.bandAsExpected()).isFalse();
        assertThat(row(card, "crypto-mining").detected()).isTrue();
        assertThat(row(card, "crypto-mining").secondsToMitigation()).isEqualTo(3000);
    }

    @Test
    void mitigationsOnOtherEntitiesOrOutsideTheAttackWindowAreFalse() {
        ObservedMitigation bystander = mitigation("m1", BYSTANDER, T.plusSeconds(60), "high", 88);
        ObservedMitigation tooEarly = mitigation("m2", WIPER, T.minusSeconds(1), "medium", 60);
        ObservedMitigation tooLate = mitigation("m3", WIPER,
                WIPE.end().plus(ScenarioScorecard.GRACE).plusSeconds(1), "high", 90);
        ObservedMitigation lastMoment = mitigation("m4", WIPER, WIPE.end().plus(ScenarioScorecard.GRACE), "high", 90);

        ScenarioScorecard card = ScenarioScorecard.score(List.of(WIPE),
                List.of(bystander, tooEarly, tooLate, lastMoment));

        assertThat(card.falseMitigations()).containsExactly(bystander, tooEarly, tooLate);
        assertThat(row(card, "mass-deletion").all()).containsExactly(lastMoment);
        assertThat(card.table()).contains("false mitigations on benign activity: 3");
    }

    @Test
    void aMitigationOfAnyEntityOfAnAttackCountsForIt() {
        ObservedMitigation onPrincipal = mitigation("m1", EntityKey.principal("acme", "u-eng-05"),
                T.minusSeconds(1200), "medium", 66);

        ScenarioScorecard card = ScenarioScorecard.score(List.of(MINING), List.of(onPrincipal));

        assertThat(row(card, "crypto-mining").all()).containsExactly(onPrincipal);
        assertThat(row(card, "crypto-mining").bandAsExpected()).isTrue();
        assertThat(card.falseMitigations()).isEmpty();
    }
}
