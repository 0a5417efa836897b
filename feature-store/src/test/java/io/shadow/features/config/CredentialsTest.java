package io.shadow.features.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CredentialsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "jdbc:postgresql://db:5432/shadow?user=shadow&password=hunter2secret|jdbc:postgresql://db:5432/shadow?user=shadow&password=***",
        "jdbc:postgresql://db/shadow?password=hunter2secret&ssl=true|jdbc:postgresql://db/shadow?password=***&ssl=true",
        "jdbc:postgresql://db/shadow?PASSWORD=hunter2secret|jdbc:postgresql://db/shadow?PASSWORD=***",
        "jdbc:h2:file:/srv/store/shadow;USER=sa;PASSWORD=hunter2secret;IFEXISTS=TRUE|jdbc:h2:file:/srv/store/shadow;USER=sa;PASSWORD=***;IFEXISTS=TRUE",
        "jdbc:sqlserver://db;user=sa;pwd=hunter2secret|jdbc:sqlserver://db;user=sa;pwd=***",
        "http://alice:hunter2secret@mlflow:5000/|http://alice:***@mlflow:5000/",
        "https://alice:hunter2secret@mlflow.example/api?x=1|https://alice:***@mlflow.example/api?x=1",
        "https://taxii.example/api?token=hunter2secret|https://taxii.example/api?token=***",
        "jdbc:postgresql://db:5432/shadow?user=shadow|jdbc:postgresql://db:5432/shadow?user=shadow",
        "hdfs://namenode:8020/warehouse|hdfs://namenode:8020/warehouse",
        "https://t0kenhunter2@mlflow/|https://***@mlflow/",
        "http://alice:hunter2 secret@mlflow:5000|http://alice:***@mlflow:5000",
        "http://alice:hunter2#se@cret@mlflow:5000/|http://alice:***@mlflow:5000/",
        "s3a://AKIAEXAMPLE:hunter2/secret+key@bucket/warehouse|s3a://AKIAEXAMPLE:***@bucket/warehouse",
        "jdbc:sqlserver://db:1433;user=sa;password=hunter2@x#1;encrypt=true|jdbc:sqlserver://db:1433;user=sa;password=***;encrypt=true",
        "jdbc:postgresql://db/shadow?password=hunter2#x&ssl=true|jdbc:postgresql://db/shadow?password=***&ssl=true",
        "Unable to parse URL jdbc:postgresql://db:54x/shadow?user=shadow&password=hunter2secret (more)|Unable to parse URL jdbc:postgresql://db:54x/shadow?user=shadow&password=*** (more)"})
    void passwordsAndTokensAreReplacedAndTheRestIsKept(String location, String shown) {
        assertThat(Credentials.redact(location)).isEqualTo(shown).doesNotContain("hunter2");
    }

    @Test
    void anAtAfterAPortIsTakenForTheEndOfAPasswordSoMoreIsHiddenNeverLess() {
        assertThat(Credentials.redact("http://mlflow:5000/path@x")).isEqualTo("http://mlflow:***@x");
    }
}
