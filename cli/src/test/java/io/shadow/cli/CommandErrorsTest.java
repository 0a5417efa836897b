package io.shadow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes a new user makes with the smaller commands: each fails at once, says why, and changes nothing. */
class CommandErrorsTest {
    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();

    @Test
    void noCommandIsAUsageErrorNamingTheCommands() {
        assertThat(cli.run()).isEqualTo(2);
        assertThat(cli.err.toString()).startsWith("give a command: demo, serve, nightly, profiles, nab, nab-score, "
                + "backtest, train, models or agent");
    }

    @Test
    void aMissingProfilesFileIsAUsageErrorNamingTheFile() {
        Path missing = dir.resolve("nonexistent.yaml");
        assertThat(cli.run("profiles", "check", missing.toString())).isEqualTo(2);
        assertThat(cli.err.toString()).contains("error: profiles file " + missing + " does not exist; check the path");
    }

    @Test
    void aMissingConfigFileIsSaidToBeMissing() {
        Path missing = dir.resolve("shadow.yaml");
        assertThat(cli.run("models", "champion", "--config", missing.toString())).isEqualTo(2);
        assertThat(cli.err.toString()).contains("error: config file " + missing + " does not exist; give the path of a "
                + "YAML config file (keys: docs/configuration.md)");
    }

    @Test
    void backtestChecksItsOutputFileBeforeTheReplay() throws Exception {
        Path profiles = dir.resolve("profiles.yaml");
        try (var in = io.shadow.mitigation.profile.ProfileLoader.class
                .getResourceAsStream(io.shadow.mitigation.profile.ProfileLoader.DEFAULT_RESOURCE)) {
            Files.write(profiles, in.readAllBytes());
        }
        Path file = Files.writeString(dir.resolve("file.txt"), "x");
        String[][] cases = {
            {dir.toString(), "error: --out " + dir + " is a folder; give a file name, e.g. --out "
                    + dir.resolve("backtest.json")},
            {file.resolve("report.json").toString(), "error: --out " + file.resolve("report.json")
                    + " cannot be written: " + file + " is a file, not a folder"},
        };
        for (String[] c : cases) {
            cli.err.getBuffer().setLength(0);
            // the data folder has no tables: a replay would fail on them first
            assertThat(cli.run("backtest", "--profiles", profiles.toString(), "--data", dir.toString(), "--from",
                    "2026-11-09", "--to", "2026-11-09", "--out", c[0])).as(c[0]).isEqualTo(2);
            assertThat(cli.err.toString()).as(c[0]).contains(c[1]);
        }
    }

    @Test
    void anOutputFolderWhereNothingCanBeWrittenIsRefusedBeforeTrainingOrReplay() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc")), "needs Linux /proc");
        Path profiles = dir.resolve("profiles.yaml");
        try (var in = io.shadow.mitigation.profile.ProfileLoader.class
                .getResourceAsStream(io.shadow.mitigation.profile.ProfileLoader.DEFAULT_RESOURCE)) {
            Files.write(profiles, in.readAllBytes());
        }
        Path data = Files.createDirectories(dir.resolve("data"));
        String[][] runs = {
            {"train", "--data", data.toString(), "--promote", "never", "--out", "/proc/nope/train.json"},
            {"backtest", "--profiles", profiles.toString(), "--data", data.toString(), "--from", "2026-11-09",
                "--to", "2026-11-09", "--out", "/proc/nope/train.json"},
        };
        for (String[] args : runs) {
            cli.err.getBuffer().setLength(0);
            assertThat(cli.run(args)).as(args[0]).isEqualTo(2);
            assertThat(cli.err.toString()).as(args[0]).contains("error: --out /proc/nope/train.json cannot be written")
                    .contains("give a file in a folder you can write in");
            try (var files = Files.list(data)) {
                assertThat(files).as(args[0] + " creates nothing").isEmpty();
            }
        }
    }

    @Test
    void championSaysWhichRegistryItLookedInAndCreatesNothing() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        assertThat(cli.run("models", "champion", "--data", data.toString())).isZero();
        assertThat(cli.out.toString()).isEqualTo("champion: none (no model registry at " + data.resolve("registry")
                + " yet (`bin/shadow nightly` or `bin/shadow train` creates it); --data DIR or --config FILE points "
                + "at another installation)" + System.lineSeparator());
        try (var files = Files.list(data)) {
            assertThat(files).as("a read-only look creates no folder").isEmpty();
        }

        assertThat(cli.run("models", "promote", "1", "--data", data.toString())).isEqualTo(2);
        assertThat(cli.err.toString()).contains("error: cannot promote version 1: no model registry at "
                + data.resolve("registry") + " yet");
        try (var files = Files.list(data)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aMistypedDataFolderIsAnErrorNotAnEmptyInstallation() {
        Path missing = dir.resolve("no-such-installation");
        assertThat(cli.run("models", "champion", "--data", missing.toString())).isEqualTo(2);
        assertThat(cli.err.toString()).contains("error: --data " + missing + ": no such folder");
        assertThat(missing).doesNotExist();
    }

    @Test
    void aDataDirThatIsAFileIsOneErrorNamingItWithoutAStackTrace() throws Exception {
        Path file = Files.writeString(dir.resolve("afile"), "x");
        String expected = "error: invalid data-dir = " + file + " (from --set); expected a folder Shadow can write "
                + "in, but " + file
                + " is a file, not a folder. Set data-dir to a writable folder (created if missing)"
                + System.lineSeparator();
        for (String command : new String[] {"serve", "nightly"}) {
            cli.err.getBuffer().setLength(0);
            assertThat(cli.run(command, "--set", "data-dir=" + file)).as(command).isEqualTo(2);
            assertThat(cli.err.toString()).as(command).isEqualTo(expected);
        }
        cli.err.getBuffer().setLength(0);
        assertThat(cli.run("train", "--data", file.toString())).isEqualTo(2);
        assertThat(cli.err.toString()).startsWith("error: invalid data-dir = " + file + " (from --data);");
    }

    @Test
    void serveWithoutTokensShowsAnEntryToAddAndWhereTheRestIsDocumented() throws Exception {
        Path config = Files.writeString(dir.resolve("shadow.yaml"), """
                data-dir: %s
                server: {port: 0}
                """.formatted(dir.resolve("data")));

        assertThat(cli.run("serve", "--config", config.toString())).isEqualTo(2);

        assertThat(cli.err.toString()).isEqualTo("error: auth.tokens is empty: every API needs a bearer token. Add "
                + "tokens to the config file, e.g. auth: {tokens: [{name: ops, token: <random, 32+ characters, e.g. "
                + "from `openssl rand -hex 24`>, role: operator}]} (an operator token signs in to the web UI at /ui/; "
                + "the other roles and fields: docs/configuration.md)" + System.lineSeparator());
        assertThat(dir.resolve("data")).as("nothing was started").doesNotExist();
    }

    @Test
    void serveRefusesAUserTokenThatNamesNoTenantSayingWhichTokenAndWhatToAdd() throws Exception {
        Path config = Files.writeString(dir.resolve("shadow.yaml"), """
                data-dir: %s
                server: {port: 0}
                auth:
                  tokens:
                    - {name: alice, token: "alice-token-0123456789", role: user, principal: alice}
                """.formatted(dir.resolve("data")));

        assertThat(cli.run("serve", "--config", config.toString())).isEqualTo(2);

        assertThat(cli.err.toString()).startsWith("error: invalid auth.tokens[alice].tenant = (empty); expected the "
                + "tenant of the principal this user token speaks for, exactly as its events name it (case-sensitive), "
                + "e.g. {name: alice, role: user, tenant: acme, principal: alice}");
        assertThat(dir.resolve("data")).as("nothing was started").doesNotExist();
    }

    @Test
    void serveRefusesTwoEntriesSharingATokenRatherThanGivingOneOfThemTheOthersRole() throws Exception {
        Path config = Files.writeString(dir.resolve("shadow.yaml"), """
                data-dir: %s
                server: {port: 0}
                auth:
                  tokens:
                    - {name: alice, token: "shared-token-0123456789", role: user, tenant: acme, principal: alice}
                    - {name: ops, token: "shared-token-0123456789", role: admin}
                """.formatted(dir.resolve("data")));

        // without the check serve starts and never returns
        assertThat(org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> cli.run("serve", "--config", config.toString()))).isEqualTo(2);

        assertThat(cli.err.toString()).startsWith("error: invalid auth.tokens[ops].token = (hidden); expected a token "
                + "no other entry has, but auth.tokens[alice] has the same one").doesNotContain("shared-token");
        assertThat(dir.resolve("data")).as("nothing was started").doesNotExist();
    }

    private Path serveConfig(String server) throws Exception {
        return Files.writeString(dir.resolve("shadow.yaml"), """
                data-dir: %s
                server: %s
                auth:
                  tokens:
                    - {name: ops, token: "operator-token-0123456789", role: operator}
                """.formatted(dir.resolve("data"), server));
    }

    private int serve(Path config, String... sets) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("serve", "--config",
                config.toString()));
        for (String set : sets) {
            args.addAll(java.util.List.of("--set", set));
        }
        return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> cli.run(args.toArray(String[]::new)));
    }

    @Test
    void aTlsKeyStoreThatIsNotOneNamesTheKeyTheFileWhatItIsAndHowToMakeOne() throws Exception {
        Path yaml = Files.writeString(dir.resolve("server.yaml"), "server:\n  port: 8443\n");
        Path pem = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n"
                + "-----END CERTIFICATE-----\n");
        Path empty = Files.writeString(dir.resolve("empty.p12"), "");
        Path binary = Files.write(dir.resolve("random.p12"), new byte[] {0x30, 0x03, 0x02, 0x01, 0x05});
        Path config = serveConfig("{port: 0}");
        String[][] cases = {
            {yaml.toString(), "it is a text file, and a key store is binary"},
            {pem.toString(), "it is a PEM file (-----BEGIN CERTIFICATE-----), which the server does not read; convert "
                    + "the certificate and its key to PKCS12"},
            {empty.toString(), "it is empty"},
            {binary.toString(), "its content is neither PKCS12 nor JKS ("}, // then the JDK's words
        };
        for (String[] c : cases) {
            cli.err.getBuffer().setLength(0);

            assertThat(serve(config, "server.tls-key-store=" + c[0])).isEqualTo(2);

            assertThat(cli.err.toString()).as(c[0]).startsWith("error: invalid server.tls-key-store = " + c[0]
                    + " (from --set); expected a PKCS12 key store (a JKS one works too) with the server's private key and "
                    + "certificate, but the file is not a key store: " + c[1])
                    .contains(". Make one with keytool (keytool -genkeypair -alias shadow -keyalg EC")
                    .contains("openssl pkcs12 -export -in cert.pem -inkey key.pem -out shadow.p12")
                    .contains("set server.tls-password to its password")
                    .doesNotContain("(null)");
            assertThat(dir.resolve("data")).as("nothing was started").doesNotExist();
        }
    }

    @Test
    void aTlsPasswordThatDoesNotOpenTheKeyStoreNamesThePasswordKeyWithoutShowingIt() throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "shadow", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "right-password")
                .redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor()).isZero();

        assertThat(serve(serveConfig("{port: 0}"), "server.tls-key-store=" + store,
                "server.tls-password=wrong-password")).isEqualTo(2);

        assertThat(cli.err.toString()).isEqualTo("error: invalid server.tls-password = (hidden) (from --set); expected the password "
                + "of the key store " + store + " (server.tls-key-store), but it does not open it"
                + System.lineSeparator());
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aKeyStoreWhosePrivateKeyHasAnotherPasswordIsRefusedBeforeServeStarts() throws Exception {
        Path store = dir.resolve("server.jks"); // PKCS12 cannot give a key its own password; JKS can
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "shadow", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2",
                "-storetype", "JKS", "-keystore", store.toString(), "-storepass", "store-password",
                "-keypass", "key-password").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor()).isZero();

        assertThat(serve(serveConfig("{port: 0}"), "server.tls-key-store=" + store,
                "server.tls-password=store-password")).isEqualTo(2);

        assertThat(cli.err.toString()).isEqualTo("error: invalid server.tls-key-store = " + store + " (from --set); expected its "
                + "private key to open with server.tls-password, as the store does, but the key has a password of its "
                + "own. Give the key the store's password (keytool -keypasswd -alias ALIAS -keystore " + store + ")"
                + System.lineSeparator());
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aPortInUseNamesServerPortAndTheWayOut() throws Exception {
        try (java.net.ServerSocket other = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = other.getLocalPort();

            assertThat(serve(serveConfig("{host: 127.0.0.1, port: " + port + "}"))).isEqualTo(2);

            assertThat(cli.err.toString()).isEqualTo("error: invalid server.port = " + port + "; expected a port no "
                    + "other process listens on, but 127.0.0.1:" + port + " is in use. Stop the other process, or set "
                    + "server.port to another port (--set server.port=" + (port + 1) + ", or 0 for any free one)"
                    + System.lineSeparator());
            assertThat(dir.resolve("data")).as("checked before the store is opened").doesNotExist();

            // the same port given on the command line: the message says where it came from
            cli.err.getBuffer().setLength(0);

            assertThat(serve(serveConfig("{host: 127.0.0.1, port: 0}"), "server.port=" + port)).isEqualTo(2);

            assertThat(cli.err.toString()).startsWith("error: invalid server.port = " + port + " (from --set); "
                    + "expected a port no other process listens on, but 127.0.0.1:" + port + " is in use.");
        }
    }

    @Test
    void aHostThatIsNotThisMachinesNamesServerHostNotThePort() throws Exception {
        boolean tenNineLocal = java.net.NetworkInterface.getByInetAddress(
                java.net.InetAddress.getByName("10.9.9.9")) != null;
        String expected = "error: invalid server.host = %s (from --set); expected an address of this machine (e.g. 127.0.0.1 or "
                + "0.0.0.0): ";
        String[][] cases = {
            {"999.1.1.1", "'999.1.1.1' is neither an IP address nor a host name that resolves"},
            {"nosuchhost.invalid", "'nosuchhost.invalid' is neither an IP address nor a host name that resolves"},
            {"10.9.9.9", "10.9.9.9 is not an address of this machine ("},
        };
        for (String[] c : cases) {
            if (c[0].equals("10.9.9.9") && tenNineLocal) {
                continue; // this machine has it
            }
            for (String port : new String[] {"18431", "0"}) {
                cli.err.getBuffer().setLength(0);

                assertThat(serve(serveConfig("{port: " + port + "}"), "server.host=" + c[0])).as(c[0]).isEqualTo(2);

                assertThat(cli.err.toString()).as(c[0]).startsWith(expected.formatted(c[0]) + c[1])
                        .doesNotContain("server.port");
                assertThat(dir.resolve("data")).as("checked before the store is opened").doesNotExist();
            }
        }
    }

    @Test
    void nightlyRefusesADataDirItCannotCreateBeforeSparkStarts() {
        Path proc = Path.of("/proc");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(proc), "needs Linux /proc");
        Path data = proc.resolve("shadow-data");
        assertThat(cli.run("nightly", "--set", "data-dir=" + data, "--set", "spark.master=local[1]")).isEqualTo(2);
        assertThat(cli.err.toString()).startsWith("error: invalid data-dir = " + data + "; expected a folder Shadow "
                + "can write in, but it cannot be created: ");
    }

    @Test
    void aSparkMasterSparkCannotParseIsAConfigErrorBeforeSparkStarts() {
        assertThat(cli.run("nightly", "--set", "data-dir=" + dir, "--set", "spark.master=bogus")).isEqualTo(2);
        assertThat(cli.err.toString()).startsWith("error: invalid spark.master = bogus (from --set); expected local, "
                + "local[N], local[*], local[N,F] (N threads, F task attempts) or spark://host:port of a standalone "
                + "cluster");
    }

    @Test
    void numericAndChoiceOptionsAreCheckedWhileParsing() {
        String[][] cases = {
            {"invalid --promote sometimes; expected if-better, never or always", "train", "--promote", "sometimes"},
            {"invalid --reload-seconds -5; expected at least 0 seconds (0: never reload)", "serve",
                "--reload-seconds", "-5"},
            {"invalid VERSION 0; expected at least 1 (versions are numbered from 1)", "models", "promote", "0"},
        };
        for (String[] c : cases) {
            cli.err.getBuffer().setLength(0);
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            assertThat(cli.run(args)).as(String.join(" ", args)).isEqualTo(2);
            assertThat(cli.err.toString()).as(String.join(" ", args)).startsWith(c[0]);
        }
    }
}
