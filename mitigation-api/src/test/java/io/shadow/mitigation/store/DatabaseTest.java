package io.shadow.mitigation.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening the embedded store where it cannot be: one error naming the folder, nothing printed; and the store kept
 * from the machine's other users (it holds access keys and the commands agents carry out).
 */
class DatabaseTest {
    @TempDir
    Path dir;

    @Test
    void anH2StoreUnderAFileIsRefusedBeforeH2PrintsItsTraces() throws Exception {
        Path file = Files.writeString(dir.resolve("afile"), "x");
        String url = Database.h2Url(file.resolve("store"));
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        try {
            assertThatThrownBy(() -> Database.open(url, "sa", ""))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cannot create the folder " + file.resolve("store")
                            + " of the mitigation store at " + url + " (")
                    .hasMessageEndingWith("); check store.jdbc-url, or data-dir when store.jdbc-url is empty");
        } finally {
            System.setErr(original);
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("org.h2");
    }

    @Test
    void theEmbeddedStoreIsOwnerOnlyAndItsServerForOtherProcessesListensOnLoopbackOnly() throws Exception {
        Path store = dir.resolve("data").resolve("store");
        try (Database db = Database.open(Database.h2Url(store), "sa", "")) {
            assertThat(perms(store)).isEqualTo("rwx------");
            assertThat(perms(store.resolve("shadow.mv.db"))).isEqualTo("rw-------");
            Path lock = store.resolve("shadow.lock.db"); // names the port and key of H2's AUTO_SERVER
            assertThat(perms(lock)).isEqualTo("rw-------");
            Matcher server = Pattern.compile("server=[^:]+\\\\?:(\\d+)").matcher(Files.readString(lock,
                    StandardCharsets.ISO_8859_1));
            assertThat(server.find()).as("the lock file names the server's port").isTrue();
            int port = Integer.parseInt(server.group(1));
            try (Socket loopback = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertThat(loopback.isConnected()).as("other processes of this machine reach it").isTrue();
            }
            List<InetAddress> others = NetworkInterface.networkInterfaces().filter(this::up)
                    .flatMap(NetworkInterface::inetAddresses).filter(a -> !a.isLoopbackAddress()).toList();
            assumeThat(others).as("this machine has an address other than loopback").isNotEmpty();
            for (InetAddress a : others) {
                assertThatThrownBy(() -> new Socket(a, port).close()).as("reached at %s", a)
                        .isInstanceOf(ConnectException.class);
            }
        }
    }

    private boolean up(NetworkInterface n) {
        try {
            return n.isUp();
        } catch (SocketException e) {
            return false;
        }
    }

    @Test
    void aStoreMadeBeforeThisRuleIsMadeOwnerOnlyWhenOpened() throws Exception {
        Path store = dir.resolve("store");
        try (Database db = Database.open(Database.h2Url(store), "sa", "")) {
            // opened
        }
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(store.resolve("shadow.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));

        try (Database db = Database.open(Database.h2Url(store), "sa", "")) {
            assertThat(perms(store)).isEqualTo("rwx------");
            assertThat(perms(store.resolve("shadow.mv.db"))).isEqualTo("rw-------");
        }
    }

    @Test
    void aFolderSharedWithOtherFilesKeepsItsPermissionsButTheStoresFilesAreOwnerOnly() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(shared.resolve("README"), "other things live here");

        try (Database db = Database.open("jdbc:h2:file:" + shared.resolve("mine"), "sa", "")) {
            assertThat(perms(shared)).isEqualTo("rwxr-xr-x");
            assertThat(perms(shared.resolve("mine.mv.db"))).isEqualTo("rw-------");
        }
    }

    private static String perms(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
