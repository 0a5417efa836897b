package io.shadow.agents.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.shadow.features.ActivityEvent;
import io.shadow.features.Operations;
import io.shadow.features.Outcome;
import io.shadow.features.ResourceType;
import io.shadow.features.json.EventCodec;
import io.shadow.features.json.EventFormatException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KubernetesAuditTest {
    private static final String CRB = "6f1c2b8e-3d4a-4f5b-9c6d-7e8f9a0b1c2d";
    private static final String DELETE_SECRET = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d";
    private static final String FORBIDDEN = "b7e6d5c4-b3a2-4918-8f7e-6d5c4b3a2918";
    private static final String EXEC = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";

    private static List<Mapped> mapAll() {
        return Fixtures.lines(Fixtures.K8S_AUDIT).stream().map(l -> KubernetesAudit.mapLine(l, "acme")).toList();
    }

    private static Map<String, ActivityEvent> eventsById() {
        List<ActivityEvent> events = mapAll().stream().filter(Mapped.Event.class::isInstance)
                .map(m -> ((Mapped.Event) m).event()).toList();
        return events.stream().collect(Collectors.toMap(ActivityEvent::eventId, Function.identity()));
    }

    @Test
    void onlyTheFinalStageOfARequestIsAnEventOncePerAuditId() {
        List<Mapped> mapped = mapAll();

        assertThat(mapped).extracting(m -> m.getClass().getSimpleName()).containsExactly(
                "Skipped", "Event", "Skipped", "Event", "Event", "Rejected", "Skipped", "Event");
        assertThat(mapped.get(0).line()).isNull();
        assertThat(eventsById()).containsOnlyKeys(CRB, DELETE_SECRET, FORBIDDEN, EXEC);
    }

    @Test
    void clusterRoleBindingCreationIsAPrivilegedIdentityOperation() {
        ActivityEvent e = eventsById().get(CRB);

        assertThat(e.operation()).isEqualTo("create clusterrolebindings");
        assertThat(Operations.isPrivileged(e.operation())).isTrue();
        assertThat(e.resourceType()).isEqualTo(ResourceType.IDENTITY);
        assertThat(e.resourceId()).isEqualTo("k8s://clusterrolebindings/ops-cluster-admin");
        assertThat(e.principal()).isEqualTo("alice@acme.example");
        assertThat(e.tenant()).isEqualTo("acme");
        assertThat(e.srcIp()).isEqualTo("10.0.4.17");
        assertThat(e.userAgent()).startsWith("kubectl/v1.31.2");
        assertThat(e.time()).isEqualTo(Instant.parse("2026-11-09T10:15:02.131482Z"));
        assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(e.raw()).containsEntry("stage", "ResponseComplete").containsEntry("responseStatus.code", "201")
                .containsEntry("user.groups", "[\"platform-admins\",\"system:authenticated\"]")
                .hasEntrySatisfying("requestURI", u -> assertThat(u).startsWith("/apis/rbac.authorization.k8s.io/"));
    }

    @Test
    void secretDeletionIsADeleteOnIdentityInItsNamespace() {
        ActivityEvent e = eventsById().get(DELETE_SECRET);

        assertThat(e.operation()).isEqualTo("delete secrets");
        assertThat(Operations.isDelete(e.operation())).isTrue();
        assertThat(Operations.isPrivileged(e.operation())).isFalse();
        assertThat(e.resourceType()).isEqualTo(ResourceType.IDENTITY);
        assertThat(e.resourceId()).isEqualTo("k8s://payments/secrets/db-credentials");
        assertThat(e.principal()).isEqualTo("system:serviceaccount:ci:deployer");
    }

    @Test
    void forbiddenRequestIsAFailure() {
        ActivityEvent e = eventsById().get(FORBIDDEN);

        assertThat(e.operation()).isEqualTo("list secrets");
        assertThat(e.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(e.resourceId()).isEqualTo("k8s://kube-system/secrets");
        assertThat(e.raw()).containsEntry("responseStatus.code", "403");
    }

    @Test
    void execIntoAPodIsAPrivilegedProcessOperation() {
        ActivityEvent e = eventsById().get(EXEC);

        assertThat(e.operation()).isEqualTo("create pods/exec");
        assertThat(Operations.isPrivileged(e.operation())).isTrue();
        assertThat(e.resourceType()).isEqualTo(ResourceType.PROCESS);
        assertThat(e.resourceId()).isEqualTo("k8s://payments/pods/api-7d9f8b6c5-x2k4p");
    }

    @Test
    void whatShipsParsesBackToTheMappedEvent() {
        for (Mapped m : mapAll()) {
            if (m instanceof Mapped.Event e) {
                assertThat(EventCodec.parse(m.line())).isEqualTo(e.event());
            }
        }
    }

    @Test
    void malformedLineIsRejectedWithTheLineKept() {
        String broken = Fixtures.lines(Fixtures.K8S_AUDIT).get(5);

        Mapped m = KubernetesAudit.mapLine(broken, "acme");

        assertThat(m).isEqualTo(new Mapped.Rejected("k8s-audit", null, "not valid JSON", broken));
        assertThatThrownBy(() -> EventCodec.parse(m.line())).asInstanceOf(type(EventFormatException.class))
                .satisfies(e -> {
                    assertThat(e.getMessage()).isEqualTo("k8s-audit record: not valid JSON");
                    assertThat(e.rawRecord()).isEqualTo(broken);
                });
    }

    @Test
    void recordsThatAreNotAuditEventsOrLackAUserAreRejectedByField() {
        String list = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[]}";
        String noUser = "{\"kind\":\"Event\",\"stage\":\"ResponseComplete\",\"verb\":\"get\",\"user\":{},"
                + "\"stageTimestamp\":\"2026-11-09T10:00:00Z\",\"objectRef\":{\"resource\":\"pods\"}}";
        String badTime = "{\"kind\":\"Event\",\"stage\":\"ResponseComplete\",\"verb\":\"get\",\"user\":"
                + "{\"username\":\"alice\"},\"stageTimestamp\":\"10:00 yesterday\",\"objectRef\":{\"resource\":\"pods\"}}";

        assertThat(KubernetesAudit.mapLine(list, null)).isEqualTo(new Mapped.Rejected("k8s-audit", "kind",
                "not an audit.k8s.io Event (kind 'EventList')", list));
        assertThat(KubernetesAudit.mapLine(noUser, null)).isEqualTo(new Mapped.Rejected("k8s-audit",
                "user.username", "missing user.username", noUser));
        assertThat(KubernetesAudit.mapLine(badTime, null)).isEqualTo(new Mapped.Rejected("k8s-audit",
                "stageTimestamp", "'10:00 yesterday' is not an RFC 3339 time", badTime));
    }

    @Test
    void withoutATenantEventsGoToTheDefaultTenant() {
        String complete = Fixtures.lines(Fixtures.K8S_AUDIT).get(1);

        assertThat(((Mapped.Event) KubernetesAudit.mapLine(complete, null)).event().tenant()).isEqualTo("default");
    }
}
