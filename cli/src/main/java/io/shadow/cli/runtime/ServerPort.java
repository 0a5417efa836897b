package io.shadow.cli.runtime;

import io.shadow.features.config.ConfigException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Whether the service can listen on {@code server.host}:{@code server.port}, asked before it opens
 * its store and starts: a host that is not an address of this machine, or a port taken by another
 * process, is one message naming the key and the fix, without the HTTP server's own failure report.
 */
final class ServerPort {
    private ServerPort() {
    }

    static void checkFree(String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw badHost(host, "'" + host + "' is neither an IP address nor a host name that resolves");
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the server binds: a port left in TIME_WAIT is free
            probe.bind(new InetSocketAddress(address, port)); // port 0 still tells whether the host is ours
        } catch (BindException e) {
            throw refused(host, port, e);
        } catch (IOException e) {
            throw cannotListen(host, port, e);
        }
    }

    /** The error for a bind the operating system refused: the port taken, or the host not this machine's. */
    static ConfigException refused(String host, int port, BindException e) {
        String reason = String.valueOf(e.getMessage());
        String lower = reason.toLowerCase(Locale.ROOT);
        if (lower.contains("in use")) {
            return inUse(host, port);
        }
        if (lower.contains("assign requested address")) {
            return badHost(host, host + " is not an address of this machine (" + reason + ")");
        }
        return cannotListen(host, port, e);
    }

    static ConfigException inUse(String host, int port) {
        return ConfigException.invalid("server.port", port, "a port no other process listens on, but " + host + ":"
                + port + " is in use. Stop the other process, or set server.port to another port (--set server.port="
                + (port == 65535 ? port - 1 : port + 1) + ", or 0 for any free one)");
    }

    private static ConfigException badHost(String host, String reason) {
        return ConfigException.invalid("server.host", host, "an address of this machine (e.g. 127.0.0.1 or "
                + "0.0.0.0): " + reason);
    }

    private static ConfigException cannotListen(String host, int port, IOException e) {
        return new ConfigException("invalid server.host = " + host + " or server.port = " + port + "; expected an "
                + "address and port this process may listen on, but listening there failed: " + e.getMessage()
                + (port > 0 && port < 1024 ? " (ports below 1024 need administrator rights: choose 1024 or above)"
                        : ""));
    }
}
