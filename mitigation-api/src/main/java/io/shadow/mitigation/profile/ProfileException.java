package io.shadow.mitigation.profile;

import java.util.List;

/** Invalid mitigation profiles: every problem, each naming its line and key. */
public final class ProfileException extends IllegalArgumentException {
    private final List<String> problems;

    public ProfileException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
