package io.shadow.features;

import java.util.Locale;
import java.util.Set;

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

    private Operations() {
    }

    public static boolean isDelete(String operation) {
        String op = operation.toLowerCase(Locale.ROOT);
        return op.startsWith("delete") || op.startsWith("remove") || DELETE_WORDS.contains(op);
    }

    public static boolean isPrivileged(String operation) {
        String op = operation.toLowerCase(Locale.ROOT);
        // every Kubernetes form is "<verb> <resource>": a name without a space skips the pattern (hot path offline)
        return PRIVILEGED.contains(op) || op.indexOf(' ') >= 0 && K8S_PRIVILEGED.matcher(op).matches();
    }

    public static boolean isProcessStart(String operation) {
        return PROCESS_STARTS.contains(operation.toLowerCase(Locale.ROOT));
    }
}
