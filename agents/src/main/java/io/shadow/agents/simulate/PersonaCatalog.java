package io.shadow.agents.simulate;

import static io.shadow.features.ResourceType.COMPUTE;
import static io.shadow.features.ResourceType.DATABASE;
import static io.shadow.features.ResourceType.DATA_STORAGE;
import static io.shadow.features.ResourceType.IDENTITY;

import io.shadow.agents.simulate.Persona.Activity;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The simulated organisation: employees in three groups and four service accounts. */
final class PersonaCatalog {
    static final String DEV_HOST = "dev-1";
    static final String CI_HOST = "ci-1";
    static final String BATCH_HOST = "batch-1";
    static final List<String> HOSTS = List.of("web-1", "web-2", "db-1", BATCH_HOST, CI_HOST, DEV_HOST);

    static final String CHROME_WIN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Safari/537.36";
    static final String CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/537.36 (KHTML, like "
            + "Gecko) Chrome/131.0.0.0 Safari/537.36";
    static final String FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    static final String AWS_CLI = "aws-cli/2.22.4 Python/3.12.6 Linux/6.8.0 exe/x86_64.ubuntu.24";

    static final List<Activity> ENGINEERING = List.of(
            new Activity(Op.read("GetObject", DATA_STORAGE, List.of("s3://eng-artifacts", "s3://eng-datasets"), 400_000), 30),
            new Activity(Op.write("PutObject", DATA_STORAGE, List.of("s3://eng-artifacts"), 300_000), 10),
            new Activity(Op.api("ListObjects", DATA_STORAGE, List.of("s3://eng-artifacts", "s3://eng-datasets")), 10),
            new Activity(Op.api("DescribeInstances", COMPUTE, List.of("ec2:eu-west-1")), 8),
            new Activity(Op.read("Query", DATABASE, List.of("db://eng-metrics"), 30_000), 10),
            new Activity(Op.api("AssumeRole", IDENTITY, List.of("iam:role/developer")), 3),
            new Activity(Op.api("DeleteObject", DATA_STORAGE, List.of("s3://eng-artifacts")), 1),
            new Activity(Op.exec(List.of("/usr/bin/git", "/usr/bin/python3", "/usr/bin/java", "/usr/bin/make",
                    "/usr/bin/node", "/usr/bin/ssh")), 8));
    static final List<Activity> FINANCE = List.of(
            new Activity(Op.read("GetObject", DATA_STORAGE, List.of("s3://finance-reports"), 600_000), 20),
            new Activity(Op.read("Query", DATABASE, List.of("db://finance"), 40_000), 30),
            new Activity(Op.write("PutObject", DATA_STORAGE, List.of("s3://finance-reports"), 400_000), 5),
            new Activity(Op.api("ListObjects", DATA_STORAGE, List.of("s3://finance-reports")), 5),
            new Activity(Op.api("GetSessionToken", IDENTITY, List.of("iam:sts")), 2),
            new Activity(Op.api("DeleteObject", DATA_STORAGE, List.of("s3://finance-reports")), 0.5));
    static final List<Activity> SALES = List.of(
            new Activity(Op.read("Query", DATABASE, List.of("db://crm"), 25_000), 35),
            new Activity(Op.read("GetObject", DATA_STORAGE, List.of("s3://sales-decks"), 2_000_000), 15),
            new Activity(Op.write("PutObject", DATA_STORAGE, List.of("s3://sales-decks"), 1_500_000), 8),
            new Activity(Op.api("GetSessionToken", IDENTITY, List.of("iam:sts")), 2),
            new Activity(Op.api("DeleteObject", DATA_STORAGE, List.of("s3://sales-decks")), 0.5));
    static final List<Activity> ADMIN_EXTRA = List.of(
            new Activity(Op.api("ListUsers", IDENTITY, List.of("iam:users")), 3),
            new Activity(Op.api("GetUser", IDENTITY, List.of("iam:users")), 3));

    private PersonaCatalog() {
    }

    static int engineers(int employees) {
        return (employees + 1) / 2;
    }

    static int finance(int employees) {
        return employees / 4;
    }

    static List<Persona> employees(int employees, SplittableRandom r) {
        List<Persona> out = new ArrayList<>();
        int eng = engineers(employees);
        int fin = finance(employees);
        int sales = employees - eng - fin;
        for (int i = 1; i <= eng; i++) {
            List<Activity> acts = i == 1 ? concat(ENGINEERING, ADMIN_EXTRA) : ENGINEERING;
            out.add(employee(String.format("u-eng-%02d", i), "engineering", 1, i, acts,
                    List.of(i % 2 == 0 ? CHROME_MAC : FIREFOX_LINUX, AWS_CLI), r));
        }
        for (int i = 1; i <= fin; i++) {
            out.add(employee(String.format("u-fin-%02d", i), "finance", 2, i, FINANCE, List.of(CHROME_WIN), r));
        }
        for (int i = 1; i <= sales; i++) {
            out.add(employee(String.format("u-sales-%02d", i), "sales", 3, i, SALES,
                    List.of(i % 2 == 0 ? CHROME_MAC : CHROME_WIN), r));
        }
        return out;
    }

    /** The engineer who joins on the live day: never seen before, behaves like the group. */
    static Persona newEngineer(int employees, SplittableRandom r) {
        int n = engineers(employees) + 1;
        return employee(String.format("u-eng-%02d", n), "engineering", 1, 99, ENGINEERING,
                List.of(CHROME_MAC, AWS_CLI), r);
    }

    private static Persona employee(String id, String group, int net, int i, List<Activity> acts, List<String> uas,
            SplittableRandom r) {
        int start = 7 + r.nextInt(3);
        return new Persona(id, group, false, "10.20." + net + "." + (10 + i), "10.99." + net + "." + (10 + i), uas,
                start, start + 9, 25 + r.nextDouble() * 30, acts, DEV_HOST);
    }

    private static List<Activity> concat(List<Activity> a, List<Activity> b) {
        List<Activity> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
