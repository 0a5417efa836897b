package io.shadow.agents.simulate;

/** Risk band an analyst expects a scenario to reach. */
public enum Band {
    LOW,
    MEDIUM,
    HIGH
}
