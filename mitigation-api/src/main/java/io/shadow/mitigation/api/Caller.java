package io.shadow.mitigation.api;

/** The authenticated caller of a request. */
public record Caller(String name, Role role, String principal) {
    public boolean seesEverything() {
        return role == Role.OPERATOR || role == Role.ADMIN;
    }
}
