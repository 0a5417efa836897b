package io.shadow.agents.spool;

/** One record read back from the spool with its sequence number. */
public record SpoolRecord(long sequence, byte[] payload) {
}
