package io.shadow.agents.act;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the host off the network with nftables, except loopback, established connections to the
 * allowed addresses and the addresses themselves (Shadow's API, so the agent can still be told to
 * release it). Applied as one atomic {@code nft -f} transaction; released by deleting its table.
 * With {@code netns} set, the rules go into that network namespace ({@code ip netns exec}), which
 * is how a container's or a test's "host" is isolated. Needs root (CAP_NET_ADMIN) and nft.
 */
public final class HostIsolation {
    static final String TABLE = "shadow_isolation";
    private final String nft;
    private final String netns;
    private final List<String> allow;

    /**
     * @param allow addresses ({@code 10.0.0.5}) or address:port pairs ({@code 10.0.0.5:8080}) that
     *     stay reachable; IPv4 or IPv6 (brackets for IPv6 with a port: {@code [fd00::1]:8080})
     */
    public HostIsolation(String nft, String netns, List<String> allow) {
        this.nft = nft;
        this.netns = netns == null ? "" : netns;
        this.allow = List.copyOf(allow);
        for (String a : this.allow) {
            if (!allowed(a)) {
                throw new IllegalArgumentException("invalid actions.allow entry '" + a + "'; expected an IP address "
                        + "(10.0.0.5, fd00::1, a network 10.0.0.0/24) or address:port (10.0.0.5:8080, [fd00::1]:8080), "
                        + "not a host name or URL: isolation blocks DNS");
            }
        }
    }

    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(/([0-9]|[12]\\d|3[0-2]))?");
    private static final java.util.regex.Pattern IPV6_PREFIX = java.util.regex.Pattern.compile(
            "([0-9]|[1-9]\\d|1[01]\\d|12[0-8])");
    private static final java.util.regex.Pattern PORT = java.util.regex.Pattern.compile(
            "([1-9]\\d{0,3}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])");

    /** Whether {@code entry} is an address or address:port the rules can name. */
    public static boolean allowed(String entry) {
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            return close > 0 && ipv6(entry.substring(1, close), false)
                    && (entry.length() == close + 1 || entry.charAt(close + 1) == ':'
                            && PORT.matcher(entry.substring(close + 2)).matches());
        }
        if (entry.chars().filter(c -> c == ':').count() == 1) {
            int colon = entry.indexOf(':');
            return IPV4.matcher(entry.substring(0, colon)).matches() && PORT.matcher(entry.substring(colon + 1)).matches();
        }
        return IPV4.matcher(entry).matches() || ipv6(entry, true);
    }

    /**
     * An IPv6 address (with a {@code /prefix} when {@code network}), as the JDK parses it, without a zone
     * ({@code %eth0}: rules cannot name one). A text with a colon is never looked up in DNS.
     */
    private static boolean ipv6(String text, boolean network) {
        String addr = text;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            if (!network || !IPV6_PREFIX.matcher(text.substring(slash + 1)).matches()) {
                return false;
            }
            addr = text.substring(0, slash);
        }
        if (!addr.contains(":") || addr.contains("%") || !addr.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(addr) instanceof java.net.Inet6Address;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Whether {@code host} is an IP address literal (no look-up needed). */
    public static boolean literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return IPV4.matcher(h).matches() && !h.contains("/") || ipv6(h, false);
    }

    public void isolate() {
        StringBuilder rules = new StringBuilder();
        rules.append("table inet ").append(TABLE).append(" {}\n");
        rules.append("delete table inet ").append(TABLE).append('\n');
        rules.append("table inet ").append(TABLE).append(" {\n");
        for (String dir : List.of("input", "output")) {
            rules.append("  chain ").append(dir).append(" {\n    type filter hook ").append(dir)
                    .append(" priority -100; policy drop;\n");
            rules.append("    ").append(dir.equals("input") ? "iif" : "oif").append(" lo accept\n");
            for (String a : allow) {
                rules.append("    ").append(match(a, dir.equals("output"))).append(" accept\n");
            }
            rules.append("  }\n");
        }
        rules.append("}\n");
        run(rules.toString(), "isolate");
    }

    public void release() {
        run("table inet " + TABLE + " {}\ndelete table inet " + TABLE + "\n", "release");
    }

    /** Whether the isolation table is in place. */
    public boolean isolated() {
        List<String> cmd = command();
        cmd.addAll(List.of("list", "table", "inet", TABLE));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String match(String entry, boolean outbound) {
        String addr = entry;
        String port = null;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            addr = entry.substring(1, close);
            port = entry.length() > close + 2 ? entry.substring(close + 2) : null;
        } else if (entry.chars().filter(c -> c == ':').count() == 1) {
            addr = entry.substring(0, entry.indexOf(':'));
            port = entry.substring(entry.indexOf(':') + 1);
        }
        String family = addr.contains(":") ? "ip6" : "ip";
        String m = family + (outbound ? " daddr " : " saddr ") + addr;
        if (port != null) {
            m += " tcp " + (outbound ? "dport " : "sport ") + Integer.parseInt(port);
        }
        return m;
    }

    private List<String> command() {
        List<String> cmd = new ArrayList<>();
        if (!netns.isBlank()) {
            cmd.addAll(List.of("ip", "netns", "exec", netns));
        }
        cmd.add(nft);
        return cmd;
    }

    private void run(String script, String what) {
        List<String> cmd = command();
        cmd.addAll(List.of("-f", "-"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("cannot " + what + " the host: " + String.join(" ", cmd) + " said: "
                        + out + " (isolation needs root with CAP_NET_ADMIN and nftables; see actions.isolation)");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot " + what + " the host: " + String.join(" ", cmd) + " did not run ("
                    + e.getMessage() + "); install nftables or set actions.nft to its path", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
