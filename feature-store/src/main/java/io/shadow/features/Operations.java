package io.shadow.features;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Classifies operation names from CloudTrail ({@code AttachUserPolicy}), Kubernetes audit logs
 * ({@code "create clusterrolebindings"}), hosts ({@code launch}) and applications.
 */
public final class Operations {
    private static final Set<String> PRIVILEGED = Set.of(
            "attachuserpolicy", "attachrolepolicy", "attachgrouppolicy", "putuserpolicy", "putrolepolicy",
            "putgrouppolicy", "createaccesskey", "createloginprofile", "updateloginprofile", "addusertogroup",
            "createpolicyversion", "setdefaultpolicyversion", "updateassumerolepolicy", "passrole", "createuser",
            "createrole", "setiampolicy", "escalate", "bind", "impersonate", "sudo");
    private static final Set<String> DELETE_WORDS = Set.of("rm", "unlink", "rmdir", "drop", "truncate", "destroy",
            "terminateinstances", "purge", "shred");
    private static final Set<String> PROCESS_STARTS = Set.of("launch", "exec", "start", "spawn");
    /** Kubernetes: granting or using privileges ({@code "<verb> <resource>"}). */
    private static final java.util.regex.Pattern K8S_PRIVILEGED = java.util.regex.Pattern.compile(
            "(create|update|patch|bind|escalate) (roles|rolebindings|clusterroles|clusterrolebindings)"
                    + "|create serviceaccounts/token|create certificatesigningrequests|impersonate .*|"
                    + "(create|get) pods/exec");

    static final int DELETE = 1;
    static final int PRIVILEGE = 2;
    static final int PROCESS_START = 4;
    /**
     * Classes of operation names seen so far: every event of the online path asks about its
     * operation, and a service's vocabulary is small. Bounded in count and name length, so odd
     * names cost a classification each time, never memory.
     */
    private static final Map<String, Integer> KNOWN = new ConcurrentHashMap<>();
    private static final int MAX_KNOWN = 4096;
    private static final int MAX_KNOWN_LENGTH = 100;

    private Operations() {
    }

    public static boolean isDelete(String operation) {
        return (classes(operation) & DELETE) != 0;
    }

    public static boolean isPrivileged(String operation) {
        return (classes(operation) & PRIVILEGE) != 0;
    }

    public static boolean isProcessStart(String operation) {
        return (classes(operation) & PROCESS_START) != 0;
    }

    /** The operation's classes as bits ({@link #DELETE}, {@link #PRIVILEGE}, {@link #PROCESS_START}): one look-up. */
    static int classes(String operation) {
        Integer known = KNOWN.get(operation);
        if (known != null) {
            return known;
        }
        int c = classify(operation.toLowerCase(Locale.ROOT));
        if (operation.length() <= MAX_KNOWN_LENGTH && KNOWN.size() < MAX_KNOWN) {
            KNOWN.put(operation, c);
        }
        return c;
    }

    private static int classify(String op) {
        int c = 0;
        if (op.startsWith("delete") || op.startsWith("remove") || DELETE_WORDS.contains(op)) {
            c |= DELETE;
        }
        if (PRIVILEGED.contains(op) || K8S_PRIVILEGED.matcher(op).matches()) {
            c |= PRIVILEGE;
        }
        if (PROCESS_STARTS.contains(op)) {
            c |= PROCESS_START;
        }
        return c;
    }
}
