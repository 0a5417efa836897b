package io.shadow.cli.runtime;

import io.shadow.features.config.ConfigException;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether {@code server.port} is free, asked before the service opens its store and starts: a port
 * taken by another process is one message naming the key and the fix, without the HTTP server's
 * own failure report.
 */
final class ServerPort {
    private ServerPort() {
    }

    static void checkFree(String host, int port) {
        if (port == 0) {
            return; // a free one is picked
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the server binds: a port left in TIME_WAIT is free
            probe.bind(new InetSocketAddress(host, port));
        } catch (BindException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("in use")) {
                throw inUse(host, port);
            }
        } catch (IOException e) {
            // anything else (an unknown host) is for the server to report as it starts
        }
    }

    static ConfigException inUse(String host, int port) {
        return new ConfigException("invalid server.port = " + port + "; expected a port no other process listens "
                + "on, but " + host + ":" + port + " is in use. Stop the other process, or set server.port to "
                + "another port (--set server.port=" + (port == 65535 ? port - 1 : port + 1) + ", or 0 for any free "
                + "one)");
    }
}
