package io.shadow.mitigation.api;

/**
 * The authenticated caller of a request. A user always speaks for one principal: every question a
 * user asks is answered about that principal only, so a user without one is refused here rather
 * than left to see everyone's incidents.
 */
public record Caller(String name, Role role, String principal) {
    public Caller {
        if (role == Role.USER && (principal == null || principal.isBlank())) {
            throw new IllegalArgumentException("the user token '" + name + "' names no principal; a user token "
                    + "must name the principal it speaks for (auth.tokens[].principal)");
        }
    }

    public boolean seesEverything() {
        return role == Role.OPERATOR || role == Role.ADMIN;
    }
}
