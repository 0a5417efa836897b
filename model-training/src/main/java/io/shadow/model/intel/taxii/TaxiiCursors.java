package io.shadow.model.intel.taxii;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last {@code X-TAXII-Date-Added-Last} per collection (keyed by its objects URL), so the next
 * sync asks only for objects added after it. Stored as a small JSON document wherever the caller
 * keeps state; saved only after the objects were stored, so a failed run fetches them again.
 */
public final class TaxiiCursors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, String> addedLast;

    private TaxiiCursors(Map<String, String> addedLast) {
        this.addedLast = new TreeMap<>(addedLast);
    }

    public static TaxiiCursors empty() {
        return new TaxiiCursors(Map.of());
    }

    public static TaxiiCursors fromJson(byte[] json, String where) {
        try {
            return new TaxiiCursors(JSON.readValue(json, new TypeReference<Map<String, String>>() { }));
        } catch (IOException e) {
            throw new IllegalStateException("TAXII sync state " + where + " is not a JSON object of collection → "
                    + "date (" + e.getMessage() + "); delete it to fetch every collection in full", e);
        }
    }

    public byte[] toJson() {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(addedLast);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The date to pass as {@code added_after}, or null for a first, full fetch. */
    public String addedAfter(String collectionKey) {
        return addedLast.get(collectionKey);
    }

    public void advance(String collectionKey, String dateAddedLast) {
        if (dateAddedLast != null) {
            addedLast.merge(collectionKey, dateAddedLast,
                    (a, b) -> java.time.Instant.parse(a).isBefore(java.time.Instant.parse(b)) ? b : a);
        }
    }

    public Map<String, String> asMap() {
        return Map.copyOf(addedLast);
    }
}
