package io.shadow.spark;

import org.apache.spark.sql.SparkSession;

/** One local[2] session for every Spark test class in the JVM (starting one costs tens of seconds). */
public final class SharedSpark {
    private static SparkSession session;

    private SharedSpark() {
    }

    public static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSessions.create("shadow-test", "local[2]", 2);
            session.sparkContext().setLogLevel("ERROR");
            Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
        }
        return session;
    }
}
