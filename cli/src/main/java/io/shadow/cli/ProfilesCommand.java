package io.shadow.cli;

import io.shadow.mitigation.profile.ProfileException;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.profile.ProfileSet;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code shadow profiles check FILE}: validates mitigation profiles, every problem with its line and key. */
@Command(name = "profiles", mixinStandardHelpOptions = true, description = "Work with mitigation profiles.",
        subcommands = {ProfilesCommand.Check.class})
final class ProfilesCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a profiles YAML file; exit 0 when valid, 2 with every problem listed otherwise.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Profiles YAML file.")
        Path file;

        @Override
        public Integer call() {
            FileArguments.input("profiles file", file);
            try {
                ProfileSet set = ProfileLoader.load(file);
                System.out.printf("%s: valid, version %d by %s, thresholds low %.0f / medium %.0f / high %.0f, "
                        + "%d profiles%n", file, set.version(), set.author(), set.low(), set.medium(), set.high(),
                        set.profiles().size());
                return 0;
            } catch (ProfileException e) {
                e.problems().forEach(System.err::println);
                return 2;
            }
        }
    }
}
