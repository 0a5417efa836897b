package io.shadow.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FeatureDefinitionsTest {
    private static final Instant T = Instant.parse("2026-11-09T10:00:00Z");
    private static final EntityKey ALICE = EntityKey.principal("acme", "alice");
    private static final EntityKey WEB1 = EntityKey.host("acme", "web-1");

    record Contribution(EntityKey entity, Feature feature, double value) {
    }

    record Novel(EntityKey entity, NoveltyAttribute attribute, String value) {
    }

    private static List<Contribution> contributions(ActivityEvent e) {
        List<Contribution> out = new ArrayList<>();
        FeatureDefinitions.contributions(e, (k, f, v) -> out.add(new Contribution(k, f, v)));
        return out;
    }

    private static List<Novel> novelty(ActivityEvent e) {
        List<Novel> out = new ArrayList<>();
        FeatureDefinitions.noveltyValues(e, (k, a, v) -> out.add(new Novel(k, a, v)));
        return out;
    }

    private static ActivityEvent.Builder api(String operation) {
        return ActivityEvent.builder().tenant("acme").time(T).principal("alice").operation(operation)
                .resourceType(ResourceType.DATA_STORAGE).resourceId("s3://eng-artifacts");
    }

    @Test
    void aFailedDeleteCountsAsEventDeleteAndFailureOfItsPrincipal() {
        ActivityEvent e = api("DeleteObject").bytesIn(120).bytesOut(3_000).outcome(Outcome.FAILURE).build();

        assertThat(contributions(e)).containsExactly(
                new Contribution(ALICE, Feature.EVENTS, 1),
                new Contribution(ALICE, Feature.BYTES_OUT, 3_000),
                new Contribution(ALICE, Feature.BYTES_IN, 120),
                new Contribution(ALICE, Feature.DELETES, 1),
                new Contribution(ALICE, Feature.PRIVILEGED_OPS, 0),
                new Contribution(ALICE, Feature.FAILURES, 1));
    }

    @Test
    void aPolicyAttachmentIsAPrivilegedOperationWhateverItsCase() {
        ActivityEvent e = api("attachUserPolicy").resourceType(ResourceType.IDENTITY).build();

        assertThat(contributions(e)).contains(new Contribution(ALICE, Feature.PRIVILEGED_OPS, 1),
                new Contribution(ALICE, Feature.DELETES, 0));
    }

    @Test
    void aRequestShadowDeniedIsNotAFailureOfThePrincipal() {
        ActivityEvent e = api("GetObject").outcome(Outcome.DENIED).build();

        assertThat(contributions(e)).contains(new Contribution(ALICE, Feature.EVENTS, 1),
                new Contribution(ALICE, Feature.FAILURES, 0));
    }

    @Test
    void aResourceUsageSampleFeedsItsHostOnly() {
        ActivityEvent sample = ActivityEvent.builder().tenant("acme").time(T).host("web-1")
                .eventClass(EventClass.RESOURCE_USAGE).operation("sample").resourceType(ResourceType.COMPUTE)
                .cpuPct(55.5).memPct(70.0).bytesOut(2_048).build();

        assertThat(contributions(sample)).containsExactly(
                new Contribution(WEB1, Feature.CPU_PCT, 55.5),
                new Contribution(WEB1, Feature.MEM_PCT, 70.0),
                new Contribution(WEB1, Feature.NET_OUT, 2_048));
        assertThat(novelty(sample)).isEmpty();
    }

    @Test
    void aSampleWithoutCpuOrMemoryStillCountsNetworkVolume() {
        ActivityEvent sample = ActivityEvent.builder().tenant("acme").time(T).host("web-1")
                .eventClass(EventClass.RESOURCE_USAGE).operation("sample").resourceType(ResourceType.NETWORK)
                .bytesOut(9_000).build();

        assertThat(contributions(sample)).containsExactly(new Contribution(WEB1, Feature.NET_OUT, 9_000));
    }

    @Test
    void aPerProcessSampleDoesNotCountTowardsItsHost() {
        ActivityEvent sample = ActivityEvent.builder().tenant("acme").time(T).host("web-1").principal("www-data")
                .eventClass(EventClass.RESOURCE_USAGE).operation("process_sample").resourceType(ResourceType.PROCESS)
                .resourceId("/usr/sbin/nginx").cpuPct(35.0).build();

        assertThat(contributions(sample)).isEmpty();
        assertThat(novelty(sample)).isEmpty();
    }

    @Test
    void aProcessLaunchCountsForTheHostAndAsAnEventOfItsPrincipal() {
        ActivityEvent launch = ActivityEvent.builder().tenant("acme").time(T).principal("alice").host("dev-1")
                .eventClass(EventClass.PROCESS_ACTIVITY).operation("launch").resourceType(ResourceType.PROCESS)
                .resourceId("/tmp/.cache/xmrig").build();
        EntityKey dev1 = EntityKey.host("acme", "dev-1");

        assertThat(contributions(launch)).startsWith(
                new Contribution(dev1, Feature.PROCESS_STARTS, 1),
                new Contribution(ALICE, Feature.EVENTS, 1));
        assertThat(novelty(launch)).first().isEqualTo(new Novel(dev1, NoveltyAttribute.PROCESS, "xmrig"));
    }

    @Test
    void aProcessThatEndsIsNotAStart() {
        ActivityEvent exit = ActivityEvent.builder().tenant("acme").time(T).host("dev-1")
                .eventClass(EventClass.PROCESS_ACTIVITY).operation("terminate").resourceType(ResourceType.PROCESS)
                .resourceId("/usr/bin/make").build();

        assertThat(contributions(exit)).isEmpty();
        assertThat(novelty(exit)).isEmpty();
    }

    @Test
    void anApiCallShowsItsSourceNetworkClientAndOperation() {
        ActivityEvent e = api("GetObject").srcIp("185.220.101.47").userAgent("python-requests/2.32.3").build();

        assertThat(novelty(e)).containsExactly(
                new Novel(ALICE, NoveltyAttribute.SOURCE_NETWORK, "185.220.101.0/24"),
                new Novel(ALICE, NoveltyAttribute.USER_AGENT, "python-requests/2.32.3"),
                new Novel(ALICE, NoveltyAttribute.OPERATION, "GetObject"),
                new Novel(ALICE, NoveltyAttribute.RESOURCE, "s3://eng-artifacts"));
    }

    @Test
    void missingSourceAndClientAreSimplyNotReported() {
        assertThat(novelty(api("ListObjects").build())).containsExactly(
                new Novel(ALICE, NoveltyAttribute.OPERATION, "ListObjects"),
                new Novel(ALICE, NoveltyAttribute.RESOURCE, "s3://eng-artifacts"));
    }

    @Test
    void aDataResourceIsNewByItsContainerNotByEachObject() {
        assertThat(novelty(api("GetObject").resourceId("s3://finance-reports/2025/q1.csv").build()))
                .contains(new Novel(ALICE, NoveltyAttribute.RESOURCE, "s3://finance-reports"));
        assertThat(FeatureDefinitions.dataContainer("postgres://db1:5432/sales/orders"))
                .isEqualTo("postgres://db1:5432/sales");
        assertThat(FeatureDefinitions.dataContainer("arn:aws:s3:::finance-reports/2025/q1.csv"))
                .isEqualTo("arn:aws:s3:::finance-reports");
        assertThat(FeatureDefinitions.dataContainer("finance.ledger")).isEqualTo("finance");
        assertThat(FeatureDefinitions.dataContainer("db://eng-metrics")).isEqualTo("db://eng-metrics");
        assertThat(FeatureDefinitions.dataContainer("/mnt/data/2025/q1.csv")).isEqualTo("/mnt/data");
        assertThat(FeatureDefinitions.dataContainer("/srv/q1.csv")).isEqualTo("/srv");
        assertThat(FeatureDefinitions.dataContainer("C:\\data\\finance\\q1.csv")).isEqualTo("C:\\data\\finance");
        assertThat(FeatureDefinitions.dataContainer("https://storage.googleapis.com/finance-reports/q1.csv"))
                .as("a path-style bucket").isEqualTo("https://storage.googleapis.com/finance-reports");
        assertThat(novelty(api("AssumeRole").resourceType(ResourceType.IDENTITY).resourceId("iam:role/admin")
                .build())).as("only data resources").extracting(Novel::attribute)
                .doesNotContain(NoveltyAttribute.RESOURCE);
    }

    @Test
    void ipv4AddressesGroupBySlash24() {
        assertThat(FeatureDefinitions.sourceNetwork("10.20.1.11")).isEqualTo("10.20.1.0/24");
        assertThat(FeatureDefinitions.sourceNetwork("10.20.1.250"))
                .isEqualTo(FeatureDefinitions.sourceNetwork("10.20.1.11"));
        assertThat(FeatureDefinitions.sourceNetwork("10.20.2.11")).isEqualTo("10.20.2.0/24");
    }

    @Test
    void ipv6AddressesGroupBySlash48() {
        assertThat(FeatureDefinitions.sourceNetwork("2001:db8:abcd:12::1")).isEqualTo("2001:db8:abcd::/48");
        assertThat(FeatureDefinitions.sourceNetwork("2001:db8:abcd:ffff:1:2:3:4")).isEqualTo("2001:db8:abcd::/48");
        assertThat(FeatureDefinitions.sourceNetwork("2001:db8::7")).isEqualTo("2001:db8:0::/48");
        assertThat(FeatureDefinitions.sourceNetwork("2001:db8:abce::1")).isEqualTo("2001:db8:abce::/48");
    }

    @Test
    void aCompressedIpv6AddressIsExpandedBeforeTakingItsSlash48() {
        // "2001::1" is 2001:0:0:0:0:0:0:1, in the same /48 as 2001::2, not 2001:0:1::/48
        assertThat(FeatureDefinitions.sourceNetwork("2001::1")).isEqualTo("2001:0:0::/48");
        assertThat(FeatureDefinitions.sourceNetwork("2001::2")).isEqualTo("2001:0:0::/48");
        assertThat(FeatureDefinitions.sourceNetwork("fe80::1:2")).isEqualTo("fe80:0:0::/48");
        assertThat(FeatureDefinitions.sourceNetwork("::1")).isEqualTo("0:0:0::/48");
        assertThat(FeatureDefinitions.sourceNetwork("2001:db8:5::")).isEqualTo("2001:db8:5::/48");
    }

    @Test
    void processNameIsTheExecutablesFileName() {
        assertThat(FeatureDefinitions.processName("/usr/bin/python3")).isEqualTo("python3");
        assertThat(FeatureDefinitions.processName("C:\\Windows\\System32\\cmd.exe")).isEqualTo("cmd.exe");
        assertThat(FeatureDefinitions.processName("xmrig")).isEqualTo("xmrig");
    }

    @Test
    void theEntitiesAnEventConcernsAreExactlyThoseItGivesParts() {
        // a scorer routes an event to the owners of the entities it concerns: an entity with a
        // part left out of that would never be judged, one without a part costs a wasted visit
        int checked = 0;
        for (EventClass c : EventClass.values()) {
            for (ResourceType r : ResourceType.values()) {
                for (String op : List.of("GetObject", "DeleteObject", "process_start", "exec", "sample")) {
                    for (int fields = 0; fields < 8; fields++) {
                        ActivityEvent.Builder b = ActivityEvent.builder().tenant("acme").time(T).eventClass(c)
                                .resourceType(r).operation(op).cpuPct(10.0).srcIp("10.1.2.3").userAgent("cli");
                        b.principal((fields & 1) != 0 ? "alice" : null);
                        b.host((fields & 2) != 0 ? "web-1" : null);
                        b.resourceId((fields & 4) != 0 ? "/usr/bin/curl" : null);
                        ActivityEvent e = b.build();
                        Set<EntityKey> withParts = new HashSet<>();
                        contributions(e).forEach(x -> withParts.add(x.entity()));
                        novelty(e).forEach(x -> withParts.add(x.entity()));
                        Set<EntityKey> concerned = new HashSet<>();
                        if (FeatureDefinitions.concernsPrincipal(e)) {
                            concerned.add(ALICE);
                        }
                        if (FeatureDefinitions.concernsHost(e)) {
                            concerned.add(WEB1);
                        }
                        assertThat(concerned).as("%s", e).isEqualTo(withParts);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void anApiCallNamingItsHostIsThePrincipalsActivityOnly() {
        ActivityEvent e = api("GetObject").host("web-1").build();

        assertThat(FeatureDefinitions.concernsPrincipal(e)).isTrue();
        assertThat(FeatureDefinitions.concernsHost(e)).isFalse();
        assertThat(contributions(e)).allMatch(x -> x.entity().equals(ALICE));
    }
}
