package io.shadow.mitigation.actuate;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What Shadow never acts on by itself: principals (a break-glass administrator, the account that runs the
 * identity provider), hosts (domain controllers, the bastion) and resources (the backup bucket the restore runs
 * from) whose containment would do more harm than the threat, or that an attacker could otherwise make Shadow
 * shut down by feeding it anomalies. An action aimed at one is skipped, said so with the mitigation (a gap the
 * security team closes by hand: the operators are alerted), and the rest of the mitigation stands. Only Shadow's
 * own acting is held back: a person's modify is the security team deciding, and may act on them.
 *
 * <p>A resource is protected with everything under it ({@code s3://backups} covers {@code s3://backups/2026});
 * principals compare exactly, or whatever their case when the gateway ignores it; host names whatever their case.
 *
 * @param principals {@code mitigation.protected.principals}
 * @param hosts {@code mitigation.protected.hosts}
 * @param resources {@code mitigation.protected.resources}
 */
public record Protected(Set<String> principals, Set<String> hosts, List<String> resources) {
    /** Nothing protected: the default. */
    public static final Protected NONE = new Protected(Set.of(), Set.of(), List.of());

    private static final Set<ActionType> ON_PRINCIPAL = Set.of(ActionType.RATE_LIMIT, ActionType.RESTRICT,
            ActionType.LOCK_USER, ActionType.ROTATE_KEYS);
    private static final Set<ActionType> ON_HOST = Set.of(ActionType.ISOLATE_HOST, ActionType.SUSPEND_PROCESS,
            ActionType.KILL_PROCESS);
    private static final Set<ActionType> ON_RESOURCE = Set.of(ActionType.SHUTDOWN_RESOURCE, ActionType.ENCRYPT_DATA,
            ActionType.ROLLBACK_TABLE);

    public Protected {
        principals = Set.copyOf(principals);
        hosts = Set.copyOf(hosts);
        resources = List.copyOf(resources);
        for (var list : List.of(List.copyOf(principals), List.copyOf(hosts), resources)) {
            if (list.stream().anyMatch(String::isBlank)) { // "" would protect every resource id under "/"
                throw new IllegalArgumentException("mitigation.protected: an entry is blank; name each principal, "
                        + "host and resource, or leave the list empty");
            }
        }
    }

    public boolean isEmpty() {
        return principals.isEmpty() && hosts.isEmpty() && resources.isEmpty();
    }

    /**
     * Why {@code type} is not taken on {@code target} by Shadow itself, when it aims at something protected;
     * {@code ignorePrincipalCase} as the gateway matches principals ({@code mitigation.gateway.principal-case}).
     */
    Optional<String> refuses(ActionType type, ActionTarget target, boolean ignorePrincipalCase) {
        if (ON_PRINCIPAL.contains(type) && target.principal() != null && (principals.contains(target.principal())
                || ignorePrincipalCase && principals.stream().anyMatch(p -> p.equalsIgnoreCase(target.principal())))) {
            return Optional.of(why(type, "principal " + target.principal(), "mitigation.protected.principals"));
        }
        if (ON_HOST.contains(type) && target.host() != null
                && hosts.stream().anyMatch(h -> h.equalsIgnoreCase(target.host()))) { // host names ignore case
            return Optional.of(why(type, "host " + target.host(), "mitigation.protected.hosts"));
        }
        if (ON_RESOURCE.contains(type) && target.resourceId() != null) {
            for (String r : resources) {
                if (target.resourceId().equals(r) || target.resourceId().startsWith(r.endsWith("/") ? r : r + "/")) {
                    return Optional.of(why(type, "resource " + target.resourceId(), "mitigation.protected.resources"));
                }
            }
        }
        return Optional.empty();
    }

    private static String why(ActionType type, String what, String key) {
        return type.wireName() + " not taken: " + what + " is protected (" + key + "): Shadow does not act on it by "
                + "itself; the security team decides what to do";
    }
}
