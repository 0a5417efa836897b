package io.shadow.model.intel.stix;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The part of the STIX 2.1 patterning language that names values to match: observation expressions
 * {@code [object-path = 'value']} with {@code =}, {@code IN (...)} or {@code ISSUBSET}, combined
 * with {@code OR} inside or between brackets, with parentheses. Anything else ({@code AND},
 * {@code FOLLOWEDBY}, qualifiers such as {@code WITHIN}, other operators) cannot be reduced to a
 * list of values and is refused with the reason.
 */
public final class StixPattern {
    /** One {@code path = 'value'} test, the path with its quotes removed ({@code file:hashes.SHA-256}). */
    public record Comparison(String path, String value) {
    }

    private final List<String> tokens;
    private int pos;

    private StixPattern(List<String> tokens) {
        this.tokens = tokens;
    }

    /** The comparisons any of which makes the pattern match; IllegalArgumentException saying why not supported. */
    public static List<Comparison> parse(String pattern) {
        StixPattern p = new StixPattern(tokenize(pattern));
        List<Comparison> out = new ArrayList<>();
        p.observations(out);
        if (p.pos < p.tokens.size()) {
            throw new IllegalArgumentException(p.unexpected("end of pattern"));
        }
        return out;
    }

    private void observations(List<Comparison> out) {
        observation(out);
        while (peekWord("OR")) {
            pos++;
            observation(out);
        }
        if (peekWord("AND") || peekWord("FOLLOWEDBY")) {
            throw new IllegalArgumentException("'" + tokens.get(pos) + "' between observations is not supported "
                    + "(only OR)");
        }
    }

    private void observation(List<Comparison> out) {
        if (peek("(")) {
            pos++;
            observations(out);
            expect(")");
        } else {
            expect("[");
            comparisons(out);
            expect("]");
        }
        if (pos < tokens.size() && !peek(")") && !peekWord("OR") && !peekWord("AND") && !peekWord("FOLLOWEDBY")) {
            throw new IllegalArgumentException("qualifier '" + tokens.get(pos) + "' is not supported");
        }
    }

    private void comparisons(List<Comparison> out) {
        comparison(out);
        while (peekWord("OR")) {
            pos++;
            comparison(out);
        }
        if (peekWord("AND")) {
            throw new IllegalArgumentException("AND inside an observation is not supported (only OR)");
        }
    }

    private void comparison(List<Comparison> out) {
        if (peek("(")) {
            pos++;
            comparisons(out);
            expect(")");
            return;
        }
        String path = next("an object path").replace("'", "");
        if (peekWord("NOT")) {
            throw new IllegalArgumentException("NOT is not supported");
        }
        String op = next("an operator").toUpperCase(Locale.ROOT);
        switch (op) {
            case "=", "ISSUBSET" -> out.add(new Comparison(path, string()));
            case "IN" -> {
                expect("(");
                out.add(new Comparison(path, string()));
                while (peek(",")) {
                    pos++;
                    out.add(new Comparison(path, string()));
                }
                expect(")");
            }
            default -> throw new IllegalArgumentException("operator '" + op + "' is not supported (=, IN, ISSUBSET)");
        }
    }

    private String string() {
        String t = next("a quoted string");
        if (t.length() < 2 || t.charAt(0) != '\'') {
            throw new IllegalArgumentException("expected a quoted string, found '" + t + "'");
        }
        return t.substring(1, t.length() - 1);
    }

    private boolean peek(String t) {
        return pos < tokens.size() && tokens.get(pos).equals(t);
    }

    private boolean peekWord(String w) {
        return pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(w);
    }

    private String next(String what) {
        if (pos >= tokens.size()) {
            throw new IllegalArgumentException("pattern ends where " + what + " was expected");
        }
        return tokens.get(pos++);
    }

    private void expect(String t) {
        if (!peek(t)) {
            throw new IllegalArgumentException(unexpected("'" + t + "'"));
        }
        pos++;
    }

    private String unexpected(String expected) {
        return pos < tokens.size() ? "expected " + expected + ", found '" + tokens.get(pos) + "'"
                : "pattern ends where " + expected + " was expected";
    }

    /** Strings keep their quotes (unescaped inside) so they can be told from words. */
    private static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if ("[](),".indexOf(c) >= 0) {
                out.add(String.valueOf(c));
                i++;
            } else if (c == '\'') {
                StringBuilder sb = new StringBuilder("'");
                i = quoted(s, i + 1, sb);
                out.add(sb.append('\'').toString());
            } else if ("=!<>".indexOf(c) >= 0) {
                int j = i + 1;
                while (j < s.length() && "=!<>".indexOf(s.charAt(j)) >= 0) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            } else {
                StringBuilder sb = new StringBuilder();
                while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && "[](),=!<>".indexOf(s.charAt(i)) < 0) {
                    if (s.charAt(i) == '\'') { // a quoted path step: file:hashes.'SHA-256'
                        sb.append('\'');
                        i = quoted(s, i + 1, sb);
                        sb.append('\'');
                    } else {
                        sb.append(s.charAt(i++));
                    }
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    /** Appends the unescaped content of a quoted string starting at {@code i}; returns the index after its quote. */
    private static int quoted(String s, int i, StringBuilder sb) {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                sb.append(s.charAt(i + 1));
                i += 2;
            } else if (c == '\'') {
                return i + 1;
            } else {
                sb.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated string in pattern");
    }
}
