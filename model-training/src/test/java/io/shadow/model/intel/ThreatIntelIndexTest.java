package io.shadow.model.intel;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.model.intel.index.IpBlock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The nested-range IP index against a brute-force check, on 100k random nested CIDRs. */
class ThreatIntelIndexTest {
    private static final Instant T = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void hundredThousandCidrsAnswerLikeABruteForceScan() {
        Random rnd = new Random(42);
        List<Indicator> all = new ArrayList<>();
        ThreatIntel.Builder b = ThreatIntel.builder();
        for (int i = 0; i < 100_000; i++) {
            int prefix = 8 + rnd.nextInt(25); // /8 .. /32, so many blocks nest
            long addr = rnd.nextInt() & 0xffffffffL;
            String ip = (addr >>> 24) + "." + ((addr >>> 16) & 0xff) + "." + ((addr >>> 8) & 0xff) + "." + (addr & 0xff);
            IndicatorType t = prefix == 32 ? IndicatorType.IPV4 : IndicatorType.CIDR;
            String value = Observables.normalize(t, ip + "/" + prefix);
            // a tenth expired, so the window is checked along the chain
            Instant until = i % 10 == 0 ? Instant.parse("2026-01-01T00:00:00Z") : null;
            Indicator ind = new Indicator("id-" + i, "id-" + i, t, value, "random", (1 + rnd.nextInt(100)) / 100.0,
                    null, until, false, null);
            if (NetworkScope.DEFAULT.refusal(ind).isPresent()) {
                continue; // private or reserved space: never indexed (NetworkScopeTest)
            }
            all.add(ind);
            b.add(ind);
        }
        ThreatIntel intel = b.build();
        List<IpBlock> blocks = all.stream().map(i -> IpBlock.parse(i.value())).toList();

        int hits = 0;
        for (int q = 0; q < 1_000; q++) {
            String ip;
            if (q % 2 == 0) { // inside a known block
                IpBlock blk = blocks.get(rnd.nextInt(all.size()));
                long span = (blk.endLo() - blk.startLo());
                long a = (blk.startLo() + (span == 0 ? 0 : (rnd.nextLong() & Long.MAX_VALUE) % (span + 1))) & 0xffffffffL;
                ip = (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
            } else {
                long a = rnd.nextInt() & 0xffffffffL;
                ip = (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
            }
            double expected = bruteForce(all, blocks, ip);
            var got = intel.matchIp(ip, T);
            if (expected < 0) {
                assertThat(got).as(ip).isEmpty();
            } else {
                hits++;
                assertThat(got).as(ip).get().extracting(ThreatMatch::confidence).isEqualTo(expected);
            }
        }
        assertThat(hits).as("the check exercised matches, not only misses").isGreaterThan(250);
    }

    private static double bruteForce(List<Indicator> all, List<IpBlock> blocks, String ip) {
        IpBlock a = IpBlock.parse(ip);
        double best = -1;
        for (int i = 0; i < all.size(); i++) {
            if (blocks.get(i).contains(a.startHi(), a.startLo()) && all.get(i).activeAt(T)) {
                best = Math.max(best, all.get(i).confidence());
            }
        }
        return best;
    }

    @Test
    void overlappingIndicatorsKeepTheirOwnWindowsAndTheStrongestActiveOneWins() {
        ThreatIntel intel = ThreatIntel.builder()
                .add(new Indicator("wide", "wide", IndicatorType.CIDR, "20.0.0.0/8", "a", 0.3, null, null, false, null))
                .add(new Indicator("narrow", "narrow", IndicatorType.CIDR, "20.1.0.0/16", "b", 0.9,
                        Instant.parse("2026-05-01T00:00:00Z"), Instant.parse("2026-07-01T00:00:00Z"), false, null))
                .build();
        assertThat(intel.matchIp("20.1.2.3", T)).get().extracting(ThreatMatch::source).isEqualTo("b");
        assertThat(intel.matchIp("20.1.2.3", Instant.parse("2026-08-01T00:00:00Z"))).get()
                .extracting(ThreatMatch::source).isEqualTo("a");
        assertThat(intel.matchIp("::ffff:20.1.2.3", T)).as("IPv4-mapped IPv6 is the same address").isPresent();
        assertThat(intel.matchIp("not an ip", T)).isEmpty();
    }
}
