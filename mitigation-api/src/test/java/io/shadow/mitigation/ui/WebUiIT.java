package io.shadow.mitigation.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.shadow.mitigation.Assessments;
import io.shadow.mitigation.ManualClock;
import io.shadow.mitigation.MitigationOptions;
import io.shadow.mitigation.TestEnv;
import io.shadow.mitigation.actuate.KeyVault;
import io.shadow.mitigation.api.RunningApi;
import io.shadow.mitigation.engine.Outcome;
import io.shadow.mitigation.profile.ProfileLoader;
import io.shadow.mitigation.Band;
import io.shadow.mitigation.store.ActionRecord;
import io.shadow.mitigation.store.FeedbackRecord;
import io.shadow.mitigation.store.Incident;
import io.shadow.mitigation.store.KeyStore;
import io.shadow.mitigation.store.Mitigation;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real headless Chromium (Selenium, chromedriver): sign in with a token, list the
 * incidents, open one with its plain explanation (screenshot: target/ui-incident.png), reject it
 * (the restriction is undone, the key rotation kept, and the decision is feedback), see the history
 * and the profiles; a user sees only their own incidents, and nothing of the user signed out before them.
 */
class WebUiIT {
    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(Assessments.T0);
    private RunningApi api;
    private ChromeDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void start() {
        String chromium = TestEnv.require("SHADOW_TEST_CHROMIUM");
        String chromedriver = TestEnv.require("SHADOW_TEST_CHROMEDRIVER");
        api = RunningApi.start(dir.resolve("store"), ProfileLoader.defaults(), clock);
        api.service().engine().actuators().keys().issue(Assessments.TENANT, "u-1"); // what a rotate_keys replaces
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + dir.resolve("profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (api != null) {
            api.close();
        }
    }

    private void signIn(String token) {
        browser.get("http://127.0.0.1:" + api.port() + "/ui/index.html");
        browser.findElement(By.id("token")).sendKeys(token);
        browser.findElement(By.id("sign-in")).click();
    }

    @Test
    void anOperatorReadsTheExplanationRejectsTheMitigationAndSeesHistoryAndProfiles() throws Exception {
        Outcome ofU1 = api.handle(Assessments.risk(60).build());
        api.handle(Assessments.risk(90).principal("u-2").on(io.shadow.features.ResourceType.DATA_STORAGE,
                "s3://acme-hr/payroll").build());
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).isEqualTo(403);

        signIn(RunningApi.OPERATOR);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr.incident"), 2));
        browser.findElement(By.cssSelector("tr.incident[data-id='" + ofU1.incidentId() + "']")).click();
        WebElement explanation = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("explanation")));

        assertThat(explanation.getText()).as("the anomaly's evidence and risk factors").contains("deletes@data_storage",
                "deletes_per_hour", "412", "3 ± 1.5", "8.4", "2025-02-01T00:00:00Z", "Risk 60 of 100", "severity +30",
                "resource_risk +18");
        assertThat(browser.findElement(By.id("activity")).getText()).contains("Activity from " + Assessments.T0 + " to "
                + Assessments.T0);
        assertThat(browser.findElement(By.id("notifications")).getText()).contains(
                "Shadow detected unusual activity of acme/principal:u-1", "What was done (profile contain-data-access)",
                "How to undo: reject mitigation " + ofU1.mitigationId(), "every action except rotate_keys, which "
                        + "cannot be undone (key rotation is not reversed");
        Path shot = Path.of("target", "ui-incident.png");
        Files.createDirectories(shot.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(shot)).as("a screenshot of the incident page").isGreaterThan(20_000);
        assertThat(Files.readAllBytes(shot)).startsWith(0x89, 'P', 'N', 'G');

        browser.findElement(By.cssSelector(".mitigation .comment")).sendKeys("planned clean-up, ticket OPS-42");
        browser.findElement(By.cssSelector(".mitigation .reject")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector(".mitigation-status"), "rejected"));
        assertThat(browser.findElement(By.id("status")).getText())
                .isEqualTo("Rejected: every other action was undone. Kept (cannot be undone): rotate_keys.");
        assertThat(browser.findElement(By.cssSelector(".mitigation .decisions")).getText()).as("the reason stays with it")
                .contains("reject by olga@acme.example", "planned clean-up, ticket OPS-42");
        assertThat(browser.findElements(By.cssSelector(".mitigation .comment"))).as("nothing left to decide").isEmpty();
        assertThat(browser.findElement(By.id("explanation")).getText()).as("the explanation stays after a decision")
                .contains("deletes_per_hour", "412", "3 ± 1.5", "2025-02-01T00:00:00Z", "Risk 60 of 100");
        List<WebElement> notes = browser.findElements(By.cssSelector("#notifications .notification"));
        assertThat(notes).as("the decision notice listed apart, newest first").hasSize(2);
        assertThat(notes.get(0).getText()).contains("Mitigation rejected by olga@acme.example", "Undone: restrict");
        assertThat(notes.get(1).getText()).contains("How to undo: reject mitigation " + ofU1.mitigationId());
        String restrict = browser.findElements(By.cssSelector(".mitigation .action")).stream().map(WebElement::getText)
                .filter(t -> t.startsWith("restrict")).findFirst().orElseThrow();
        assertThat(restrict).as("when it was undone, not until when it would have lasted")
                .contains("(undone at " + Assessments.T0).doesNotContain("until");
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("undone for real").isEqualTo(200);
        assertThat(api.store().mitigation(ofU1.mitigationId()).orElseThrow().status()).isEqualTo(Mitigation.REJECTED);
        assertThat(api.store().feedback()).extracting(FeedbackRecord::decision, FeedbackRecord::comment)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("reject", "planned clean-up, ticket OPS-42"));

        browser.get("http://127.0.0.1:" + api.port() + "/ui/index.html#history/u-1");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h2"), "History of u-1"));
        assertThat(browser.findElement(By.id("view")).getText()).contains("contain-data-access (standard)",
                "rejected by olga@acme.example", "restrict [undone]", "rotate_keys [kept]");

        browser.get("http://127.0.0.1:" + api.port() + "/ui/index.html#profiles");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h2"), "Profiles v1"));
        assertThat(browser.findElement(By.id("view")).getText()).contains("emergency-data-shutdown",
                "v1 by shadow-defaults, uploaded by configuration");
    }

    @Test
    void eachMitigationOfAnEscalatedIncidentShowsItsOwnExplanation() {
        Outcome low = api.handle(Assessments.risk(40).build());
        Outcome medium = api.handle(Assessments.risk(60).later(Duration.ofMinutes(10)).build());
        assertThat(medium.incidentId()).as("escalated in the same incident").isEqualTo(low.incidentId());

        signIn(RunningApi.OPERATOR);
        browser.get("http://127.0.0.1:" + api.port() + "/ui/index.html#incident/" + low.incidentId());
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".mitigation"), 2));

        assertThat(browser.findElement(By.id("activity")).getText()).contains("Activity from " + Assessments.T0
                + " to " + Assessments.T0.plus(Duration.ofMinutes(10)));
        assertThat(browser.findElement(By.id("explanation")).getText()).as("the latest anomaly")
                .contains("Risk 60 of 100", "deletes_per_hour");
        WebElement first = browser.findElement(By.cssSelector(".mitigation[data-id='" + low.mitigationId() + "']"));
        assertThat(first.findElement(By.cssSelector(".mitigation-explanation")).getText())
                .contains("risk 40", "Risk 40 of 100", "deletes_per_hour", "412", "3 ± 1.5", "severity +20");
        WebElement second = browser.findElement(By.cssSelector(".mitigation[data-id='" + medium.mitigationId() + "']"));
        assertThat(second.findElement(By.cssSelector(".mitigation-explanation")).getText())
                .isEqualTo("Why: the anomaly above (risk 60).");
    }

    @Test
    void softeningAThrottleInTheModifyFormKeepsItsExpiry() {
        Outcome low = api.handle(Assessments.risk(40).build()); // throttle: rate_limit 20/min for PT1H, log

        signIn(RunningApi.OPERATOR);
        browser.get("http://127.0.0.1:" + api.port() + "/ui/index.html#incident/" + low.incidentId());
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".mitigation .modify"))).click();
        WebElement form = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".modify-form")));
        WebElement actions = form.findElement(By.tagName("textarea"));
        String prefill = actions.getAttribute("value");
        assertThat(prefill).as("each action with its own lifetime").contains("\"expires\": \"PT1H\"");
        assertThat(form.findElement(By.cssSelector(".modify-warning")).getText())
                .isEqualTo("An action without \"expires\" stays in force until an operator releases it.");

        actions.clear();
        actions.sendKeys(prefill.replaceAll("\"per_minute\": \"?20\"?", "\"per_minute\": \"10\""));
        form.findElement(By.cssSelector(".modify-send")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Modified."));

        ActionRecord rate = api.store().actionsOf(low.mitigationId()).stream()
                .filter(a -> a.type().equals("rate_limit") && a.status().equals(ActionRecord.APPLIED)).findFirst()
                .orElseThrow();
        assertThat(rate.params()).containsEntry("per_minute", "10");
        assertThat(rate.expiresAt()).as("still a 1-hour throttle, not a permanent one")
                .isEqualTo(Assessments.T0.plus(Duration.ofHours(1)));
        assertThat(browser.findElement(By.id("status")).getText()).startsWith("Modified. In force now: ")
                .contains("log (no end)", "rate_limit until " + Assessments.T0.plus(Duration.ofHours(1)));
    }

    @Test
    void theModifyFormLeavesOutActionsThatExpiredSinceThePageWasDrawn() {
        Outcome low = api.handle(Assessments.risk(40).build());

        signIn(RunningApi.OPERATOR);
        browser.get("http://127.0.0.1:" + api.port() + "/ui/index.html#incident/" + low.incidentId());
        WebElement modify = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".mitigation .modify")));
        clock.advance(Duration.ofHours(2));
        assertThat(api.service().engine().expire()).isEqualTo(1);
        modify.click();
        WebElement actions = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                ".modify-form textarea")));

        assertThat(actions.getAttribute("value")).as("the throttle has ended: a modify must not put it back")
                .contains("\"log\"").doesNotContain("rate_limit");
    }

    @Test
    void theUiWorksUnderItsContentSecurityPolicyWhichBlocksInjectedInlineScript() {
        api.handle(Assessments.risk(40).build());
        signIn(RunningApi.OPERATOR);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr.incident"), 1));

        // what a missed escape would let through: an inline handler in the page's markup
        Object ran = browser.executeScript("const d = document.createElement('div');"
                + "d.innerHTML = '<img src=\"no-such-image\" onerror=\"window.injected = true\">';"
                + "document.getElementById('view').appendChild(d);"
                + "return new Promise(done => setTimeout(() => done(window.injected === true), 1000));");
        assertThat(ran).as("the policy refuses inline script").isEqualTo(false);
    }

    @Test
    void theHeaderSaysWhoIsSignedInAndAUserIsNotOfferedOperatorPages() {
        signIn(RunningApi.OPERATOR);
        wait.until(ExpectedConditions.textToBe(By.id("who"), "Signed in as olga@acme.example (operator, every tenant)"));
        assertThat(browser.findElement(By.id("nav-profiles")).isDisplayed()).isTrue();

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.textToBe(By.id("who"), ""));
        browser.findElement(By.id("token")).sendKeys(RunningApi.USER_U1);
        browser.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.textToBe(By.id("who"), "Signed in as u-1@acme.example (user u-1 of tenant acme)"));
        assertThat(browser.findElement(By.id("nav-profiles")).isDisplayed()).as("operators only").isFalse();
    }

    @Test
    void aRefusedTokenIsNotKeptAndTheUserIsToldSo() {
        signIn("not-a-token-of-this-service-0123456789");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "refused"));

        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("Your token was refused (unknown token); "
                + "you are signed out. Sign in with a valid token.");
        assertThat(browser.executeScript("return sessionStorage.getItem('shadow.token')")).isNull();
        assertThat(browser.findElement(By.id("who")).getText()).isEmpty();
        assertThat(browser.findElement(By.id("view")).getText()).isEqualTo("Enter your API token to sign in.");

        signIn(RunningApi.AGENT); // a real token, of a role the UI cannot work with
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "cannot use the web UI"));
        assertThat(browser.findElement(By.id("status")).getText()).startsWith("This token cannot use the web UI (role "
                + "agent may not call GET /v1/me");
        assertThat(browser.executeScript("return sessionStorage.getItem('shadow.token')")).isNull();
    }

    @Test
    void aDecisionSomeoneElseTookFirstIsShownAfterTheConflict() {
        Outcome low = api.handle(Assessments.risk(40).build());
        signIn(RunningApi.OPERATOR);
        browser.get("http://127.0.0.1:" + api.port() + "/ui/index.html#incident/" + low.incidentId());
        WebElement approve = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".mitigation .approve")));
        assertThat(api.decide(low.mitigationId(), "reject", "{}").statusCode()).isEqualTo(200); // another reviewer

        approve.click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector(".mitigation-status"), "rejected"));
        assertThat(browser.findElement(By.id("status")).getText()).contains("already decided (rejected by "
                + "olga@acme.example");
        assertThat(browser.findElements(By.cssSelector(".mitigation .approve"))).as("nothing left to decide").isEmpty();
        assertThat(browser.findElements(By.cssSelector(".action-undone")).stream().map(WebElement::getText)
                .filter(t -> t.startsWith("log ")).findFirst().orElseThrow()).as("the log's audit line was not taken "
                        + "away").contains("a log entry changes nothing, so there was nothing to reverse; the audit "
                                + "line stays");
    }

    @Test
    void openIncidentsComeFirstTheMostSeriousOnTopAndTheListSaysHowManyItLeavesOut() {
        Outcome emergency = api.handle(Assessments.risk(90).principal("u-9").build()); // the oldest
        Outcome low = api.handle(Assessments.risk(40).build());
        for (int i = 0; i < 105; i++) { // newer, small and closed
            Instant at = Assessments.T0.plusSeconds(60 + i);
            api.store().insertIncident(new Incident("inc-closed-" + i, "acme", "principal", "p-" + i, "p-" + i, null,
                    "data_storage", "s3://acme-logs/" + i, "deletes@data_storage", Band.LOW, 30, Incident.RESOLVED, at,
                    at, at, 1, "{}"));
        }

        signIn(RunningApi.OPERATOR);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#resolved-incidents tr.incident"), 100));
        assertThat(browser.findElements(By.cssSelector("#open-incidents tr.incident")))
                .extracting(tr -> tr.getAttribute("data-id")).as("the open emergency on top")
                .containsExactly(emergency.incidentId(), low.incidentId());
        assertThat(browser.findElement(By.id("resolved-not-shown")).getText())
                .isEqualTo("5 older resolved incidents are not shown.");
        assertThat(browser.findElements(By.id("open-not-shown"))).isEmpty();
    }

    @Test
    void aUserIsNotOfferedToLiftTheirOwnEmergencyAndAnOperatorReleasesItOnceApproved() {
        Outcome lockout = api.handle(Assessments.risk(90).build()); // u-1's own activity, emergency path

        signIn(RunningApi.USER_U1);
        browser.get("http://127.0.0.1:" + api.port() + "/ui/index.html#incident/" + lockout.incidentId());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".own-emergency")));
        assertThat(browser.findElements(By.cssSelector(".mitigation .reject"))).as("the API would answer 403")
                .isEmpty();
        assertThat(browser.findElements(By.cssSelector(".mitigation .approve"))).hasSize(1);

        browser.findElement(By.id("sign-out")).click();
        signIn(RunningApi.OPERATOR);
        browser.get("http://127.0.0.1:" + api.port() + "/ui/index.html#incident/" + lockout.incidentId());
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".mitigation .approve"))).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector(".mitigation-status"), "approved"));
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).isEqualTo(403);

        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".mitigation .release"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "Released"));
        assertThat(api.decision("u-1", Assessments.BUCKET).statusCode()).as("lifted for real").isEqualTo(200);
        assertThat(api.store().mitigation(lockout.mitigationId()).orElseThrow().status()).isEqualTo("approved");
        assertThat(browser.findElements(By.cssSelector(".mitigation .release"))).as("nothing left to release")
                .isEmpty();
        assertThat(wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                ".mitigation .release-record"))).getText()).as("who released it, and why")
                .startsWith("Released by ").contains("the approved decision stands");
    }

    @Test
    void aUserSeesTheirNotificationsWithANewBadgeAndLiveUpdatesLinkingToTheIncident() {
        Outcome ofU1 = api.handle(Assessments.risk(40).build());
        api.handle(Assessments.risk(40).principal("u-2").build()); // another person's: never shown to u-1

        signIn(RunningApi.USER_U1);
        WebElement badge = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("unread")));
        wait.until(ExpectedConditions.textToBe(By.id("unread"), "1 new"));

        // an operator decides while u-1's page is open: the notice arrives over the stream, without a reload
        assertThat(api.decide(ofU1.mitigationId(), "reject", "{}").statusCode()).isEqualTo(200);
        wait.until(ExpectedConditions.textToBe(By.id("unread"), "2 new"));

        browser.findElement(By.id("nav-notifications")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#notification-list .notice"), 2));
        List<WebElement> notices = browser.findElements(By.cssSelector("#notification-list .notice"));
        assertThat(notices.get(0).getText()).as("newest first, marked new").startsWith("new ")
                .contains("rejected", "Mitigation rejected by olga@acme.example", "Undone: rate_limit, log");
        assertThat(notices.get(1).getText()).contains("mitigation applied", "How to undo: reject mitigation "
                + ofU1.mitigationId());
        assertThat(browser.findElement(By.id("view")).getText()).doesNotContain("u-2");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("unread")));
        assertThat(badge.getText()).as("read once the list was shown").isEmpty();

        notices.get(0).findElement(By.cssSelector("a.notice-incident")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector(".mitigation-status"), "rejected"));
        assertThat(browser.getCurrentUrl()).endsWith("#incident/" + ofU1.incidentId());

        // a later notice while on another page brings the badge back; the stream stays open across pages
        api.handle(Assessments.risk(60).later(Duration.ofMinutes(5)).build());
        wait.until(ExpectedConditions.textToBe(By.id("unread"), "1 new"));
    }

    @Test
    void aNotificationsReadStillInFlightAtSignOutShowsNothingOfTheLastUserToTheNextOne() {
        api.handle(Assessments.risk(40).build());
        Outcome ofU2 = api.handle(Assessments.risk(40).principal("u-2").build());
        browser.get("http://127.0.0.1:" + api.port() + "/ui/index.html#notifications");
        // u-1's list reads (GET /v1/notifications, not the stream) wait until the test answers them
        browser.executeScript("const held = 'Bearer ' + arguments[0]; const realFetch = window.fetch.bind(window);"
                + "window.heldReads = [];"
                + "window.fetch = (url, init) => {"
                + "  const auth = init && init.headers && init.headers.Authorization;"
                + "  if (!String(url).startsWith('/v1/notifications?') || auth !== held) { return realFetch(url, init); }"
                + "  const read = realFetch(url, init).then(r => r.text().then(body => ({status: r.status, body})));"
                + "  return new Promise(answer => window.heldReads.push(ok => read.then(a => {"
                + "    const r = ok ? a : {status: 503, body: '{\"error\": \"unavailable\"}'};"
                + "    const response = new Response(r.body, {status: r.status});"
                + "    response.json = () => Promise.resolve(JSON.parse(r.body));" // answered at once once released
                + "    answer(response);"
                + "  })));"
                + "};", RunningApi.USER_U1);
        browser.findElement(By.id("token")).sendKeys(RunningApi.USER_U1);
        browser.findElement(By.id("sign-in")).click();
        // the notifications page's read, then the one the stream starts once subscribed
        wait.until(d -> ((Number) browser.executeScript("return window.heldReads.length")).intValue() == 2);

        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.textToBe(By.id("who"), ""));
        browser.findElement(By.id("token")).sendKeys(RunningApi.USER_U2);
        browser.findElement(By.id("sign-in")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#notification-list .notice"), 1));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("unread")));

        // u-1's reads answer now, in u-2's session: the page's read failed, the stream's brings u-1's notice
        browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "Promise.all([window.heldReads[0](false), window.heldReads[1](true)]).then(() => setTimeout(done, 0));");
        assertThat(browser.findElement(By.id("status")).getText()).as("u-1's failed read is not reported to u-2")
                .isEmpty();
        assertThat(browser.findElement(By.id("unread")).isDisplayed()).as("nothing of u-1's counted as new").isFalse();
        assertThat(shownNotices()).as("u-2's list stays drawn").containsExactlyInAnyOrderElementsOf(
                notificationIds(RunningApi.USER_U2));

        // u-2's next notice redraws the list from what this tab knows
        assertThat(api.decide(ofU2.mitigationId(), "reject", "{}").statusCode()).isEqualTo(200);
        wait.until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#notification-list .notice"), 1));
        List<String> ofU1Notes = notificationIds(RunningApi.USER_U1);
        assertThat(ofU1Notes).as("what u-1's held read brought").hasSize(1);
        assertThat(notificationIds(RunningApi.USER_U2)).hasSize(2);
        assertThat(shownNotices()).as("u-2's notices only, none of u-1's")
                .containsExactlyInAnyOrderElementsOf(notificationIds(RunningApi.USER_U2))
                .doesNotContainAnyElementsOf(ofU1Notes);
        assertThat(browser.findElement(By.id("view")).getText()).doesNotContain("u-1");
    }

    @Test
    void anOperatorSeesAnAgentsFailureAsAnAlertInTheNotifications() {
        api.handle(Assessments.risk(60).principal("u-3").on(io.shadow.features.ResourceType.PROCESS, "/usr/bin/xmrig")
                .process(4242, 98765).build()); // isolate_host of ws-17, carried out by its agent
        String isolate = pendingCommand("isolate_host");
        signIn(RunningApi.OPERATOR);
        wait.until(ExpectedConditions.textToBe(By.id("unread"), "1 new"));

        assertThat(api.post("/v1/agent/commands/" + isolate + "/ack", RunningApi.AGENT,
                "{\"ok\": false, \"detail\": \"nft missing\"}").statusCode()).isEqualTo(200);
        wait.until(ExpectedConditions.textToBe(By.id("unread"), "2 new"));
        browser.findElement(By.id("nav-notifications")).click();
        WebElement alert = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                "#notification-list .notice-alert")));
        assertThat(alert.getText()).contains("action failed", "to security-operators",
                "Action not carried out: isolate_host on host", "nft missing");

        alert.findElement(By.cssSelector("a.notice-incident")).click();
        WebElement failed = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                ".mitigation .action-agent_failed")));
        assertThat(failed.getText()).as("the bracketed status says what happened").startsWith(
                "isolate_host [agent_failed]: ").contains("the host's agent could not carry this out");
    }

    @Test
    void aMitigationWhoseActionsExpiredSaysSoAndApprovingItSaysNothingWasInForce() {
        Outcome low = api.handle(Assessments.risk(40).build()); // throttle: rate_limit for 1 h, and log
        clock.advance(Duration.ofHours(2));
        assertThat(api.service().engine().expire()).isEqualTo(1);

        signIn(RunningApi.USER_U1);
        wait.until(ExpectedConditions.textToBe(By.id("unread"), "2 new")); // applied, then expired
        browser.findElement(By.id("nav-notifications")).click();
        WebElement newest = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                "#notification-list .notice")));
        assertThat(newest.getText()).contains("expired", "Ended at its time limit: rate_limit of u-1",
                "In force now from this mitigation: nothing, it has ended.");

        newest.findElement(By.cssSelector("a.notice-incident")).click();
        WebElement ended = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                ".mitigation .already-expired")));
        assertThat(ended.getText()).startsWith("Already expired: rate_limit ended at "
                + Assessments.T0.plus(Duration.ofHours(2))).contains("nothing of it is in force");
        browser.findElement(By.cssSelector(".mitigation .approve")).click();
        wait.until(ExpectedConditions.textToBe(By.cssSelector(".mitigation-status"), "approved"));
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("Approved, but nothing of mitigation "
                + low.mitigationId() + " was in force when it was approved: its actions had already expired "
                + "(rate_limit at " + Assessments.T0.plus(Duration.ofHours(2)) + "); log only records the anomaly; "
                + "the approve records that it was a real threat, and keeps nothing in force.");
    }

    @Test
    void aUserCollectsTheKeyARotationLeftWaitingFromTheIncidentPageOnce() {
        Outcome medium = api.handle(Assessments.risk(60).build()); // contain-data-access: restrict, rotate_keys
        String keyId = api.store().actionsOf(medium.mitigationId()).stream()
                .filter(a -> a.type().equals("rotate_keys")).findFirst().orElseThrow().handle();

        signIn(RunningApi.USER_U1);
        browser.get("http://127.0.0.1:" + api.port() + "/ui/index.html#incident/" + medium.incidentId());
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".action .collect-key"))).click();
        WebElement secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".key-secret")));

        assertThat(secret.getAttribute("value")).startsWith("shk_");
        assertThat(browser.findElement(By.cssSelector(".key-handover")).getText()).contains(keyId,
                "Copy it now: Shadow shows it once");
        assertThat(api.get("/v1/keys/" + keyId, RunningApi.USER_U1).statusCode()).as("handed over, once")
                .isEqualTo(410);

        browser.navigate().refresh();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".mitigation"),
                "collected by u-1@acme.example at ")); // the rotation's history no longer says "waiting"
        assertThat(browser.findElements(By.cssSelector(".action .collect-key"))).as("no longer offered").isEmpty();
    }

    @Test
    void withTheCaseOfNamesIgnoredAUserIsOfferedTheKeyOfTheirOwnSpellingAndToldWhoHasTheOther() {
        api.close(); // again, with the gateway's case of names ignored: one rotation replaces every spelling's keys
        api = RunningApi.start(dir.resolve("store"), ProfileLoader.defaults(), clock,
                MitigationOptions.defaults(dir.resolve("folding-keys")).withPrincipalCase(true));
        KeyVault keys = api.service().engine().actuators().keys();
        keys.issue(Assessments.TENANT, "u-1");
        keys.issue(Assessments.TENANT, "U-1");
        Outcome medium = api.handle(Assessments.risk(60).build()); // contain-data-access: restrict, rotate_keys
        String own = keys.keyIds(Assessments.TENANT, "u-1", KeyStore.ACTIVE).get(0);
        String other = keys.keyIds(Assessments.TENANT, "U-1", KeyStore.ACTIVE).get(0);

        signIn(RunningApi.USER_U1);
        browser.get("http://127.0.0.1:" + api.port() + "/ui/index.html#incident/" + medium.incidentId());
        WebElement button = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".action .collect-key")));
        assertThat(browser.findElements(By.cssSelector(".action .collect-key"))).as("one button: the other spelling's "
                + "key would be refused as not theirs").hasSize(1);
        assertThat(button.getAttribute("data-key")).isEqualTo(own);
        assertThat(browser.findElement(By.cssSelector(".action .key-elsewhere")).getText()).contains("New key "
                + other + " was issued to the spelling U-1 of your name, not to u-1: an operator hands it over");

        button.click();
        WebElement secret = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".key-secret")));
        assertThat(keys.authenticate(Assessments.TENANT, secret.getAttribute("value"))).hasValue("u-1");

        browser.navigate().refresh();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".mitigation"),
                "new key " + own + " collected by u-1@acme.example at "));
        assertThat(browser.findElements(By.cssSelector(".action .collect-key"))).as("collected").isEmpty();
        assertThat(browser.findElement(By.cssSelector(".action .key-elsewhere")).getText()).as("still waiting")
                .contains(other);
    }

    @Test
    void aUserSeesOnlyTheirOwnIncidentsAndIsToldWhatIsRefused() {
        Outcome ofU1 = api.handle(Assessments.risk(40).build());
        Outcome ofU2 = api.handle(Assessments.risk(40).principal("u-2").build());

        signIn(RunningApi.USER_U1);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr.incident"), 1));
        List<WebElement> rows = browser.findElements(By.cssSelector("tr.incident"));
        assertThat(rows.get(0).getAttribute("data-id")).isEqualTo(ofU1.incidentId());

        browser.get("http://127.0.0.1:" + api.port() + "/ui/index.html#incident/" + ofU2.incidentId());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "not about you"));
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("incident " + ofU2.incidentId()
                + " is not about you (u-1); ask an operator");
    }

    private List<String> shownNotices() {
        return browser.findElements(By.cssSelector("#notification-list .notice")).stream()
                .map(li -> li.getAttribute("data-id")).toList();
    }

    /** The ids of the notifications the API lists to the token's holder. */
    private List<String> notificationIds(String token) {
        List<String> ids = new java.util.ArrayList<>();
        RunningApi.json(api.get("/v1/notifications", token)).forEach(n -> ids.add(n.path("notificationId").asText()));
        return ids;
    }

    private String pendingCommand(String action) {
        for (com.fasterxml.jackson.databind.JsonNode c : RunningApi.json(api.get(
                "/v1/agent/commands?tenant=acme&host=ws-17", RunningApi.AGENT))) {
            if (c.path("action").asText().equals(action)) {
                return c.path("id").asText();
            }
        }
        throw new AssertionError("no pending " + action + " command");
    }
}
