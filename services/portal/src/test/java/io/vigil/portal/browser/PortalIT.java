package io.vigil.portal.browser;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vigil.lib.testing.Tokens;
import io.vigil.portal.web.ErrorPages;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.ClientWebApplicationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The portal in headless Chromium (Debian's chromium and chromedriver, driven by Selenium; nothing downloaded), signed
 * in through the real Keycloak, over the real tenants and detection services ({@link Services}). A customer made for
 * this run gets four scans as flows in ClickHouse ({@link Scans}), which detection's scheduled cycle turns into alerts,
 * exactly as for flows stored by ingest. Each main page is saved to target/screenshots/.
 */
@QuarkusTest
@QuarkusTestResource(value = Services.class, restrictToAnnotatedClass = true)
@Tag("it")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortalIT {

    static final String PORTAL = "http://127.0.0.1:18193";
    static final Path SHOTS = Services.ROOT.resolve("services/portal/target/screenshots");
    static final String SCANNER = "10.9.9.9";
    static final String SWEEPER = "10.9.9.20";
    static final String WORKSTATION = "10.9.9.30";
    static final String ACK_SCANNER = "10.9.9.40";
    /** The distributed scan's members, each probing 3 hosts. */
    static final List<String> MEMBERS = IntStream.rangeClosed(51, 58).mapToObj(i -> "10.9.9." + i).toList();
    static final String RECON = "Probing and Reconnaissance";
    /** The dev customer whose viewer (a1-viewer) the upload's page is shown to; it outlives the run. */
    static final String A1 = "a1";
    static final String CLOUD = "198.51.100.10";

    @InjectServices
    Services services;

    String customerId;
    String customerName;
    String verticalId;
    String horizontalId;
    String ackScanId;
    String distributedId;
    /** A host of a1's 10.1.0.0/16 of this run's own: its upload's alert and suppression are no earlier run's. */
    String uploader;
    WebDriver admin;

    @BeforeAll
    void customerWithScans() throws Exception {
        Files.createDirectories(SHOTS);
        customerName = "Portal IT " + UUID.randomUUID().toString().substring(0, 8);
        customerId = RestAssured.given().baseUri(services.tenantsUrl()).auth().oauth2(Tokens.user("msp-a-admin"))
                .contentType(ContentType.JSON)
                .body("{\"name\":\"" + customerName + "\",\"internalNetworks\":[\"10.9.0.0/16\"]}")
                .post("/api/v1/customers").then().statusCode(201).extract().path("id");
        RestAssured.given().baseUri(services.tenantsUrl()).auth().oauth2(Tokens.user("msp-a-admin"))
                .contentType(ContentType.JSON).body("{\"name\":\"Head office\",\"address\":\"1 Main Street\"}")
                .post("/api/v1/customers/" + customerId + "/sites").then().statusCode(201);
        Services.clickhouse(Scans.workstationHistory(customerId, WORKSTATION, 3, System.currentTimeMillis()));
        Services.clickhouse(Scans.insert(customerId, Instant.now().getEpochSecond() - 5, SCANNER, SWEEPER, ACK_SCANNER, MEMBERS));
        Random random = new Random();
        uploader = "10.1." + (100 + random.nextInt(150)) + "." + (1 + random.nextInt(254));
        Services.clickhouse(Scans.upload(A1, uploader, CLOUD, Instant.now().getEpochSecond() - 5));
        // by type and source, as detection keys its alerts
        Map<String, String> ids = new HashMap<>();
        List<String> wanted = List.of("VERTICAL " + SCANNER, "HORIZONTAL " + SWEEPER, "VERTICAL " + ACK_SCANNER,
                "DISTRIBUTED " + Scans.DISTRIBUTED_KEY);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline && !ids.keySet().containsAll(wanted)) {
            List<Map<String, Object>> items = RestAssured.given().baseUri(services.detectionUrl())
                    .auth().oauth2(Tokens.user("msp-a-admin")).get("/api/v1/customers/" + customerId + "/alerts")
                    .then().statusCode(200).extract().path("items");
            items.forEach(a -> ids.put(a.get("type") + " " + a.get("source"), (String) a.get("id")));
            TimeUnit.MILLISECONDS.sleep(500);
        }
        assertTrue(ids.keySet().containsAll(wanted), "detection raised the four alerts within 90 s, not only " + ids.keySet()
                + "; see " + Services.WORK.resolve("detection.log"));
        assertEquals(4, ids.size(), "nothing else: " + ids.keySet());
        verticalId = ids.get(wanted.get(0));
        horizontalId = ids.get(wanted.get(1));
        ackScanId = ids.get(wanted.get(2));
        distributedId = ids.get(wanted.get(3));
        admin = browser();
    }

    @AfterAll
    void closeBrowser() {
        if (admin != null) {
            admin.quit();
        }
    }

    @Test
    @Order(1)
    void mspAdminSignsInAndTheOverviewGroupsTheScanAlertsByFamily() throws Exception {
        long t0 = System.nanoTime();
        signIn(admin, "msp-a-admin");
        System.out.printf("OVERVIEW sign-in and first overview of msp-a (%s customers): %d ms%n",
                admin.findElement(By.id("customers-total")).getText(), (System.nanoTime() - t0) / 1_000_000);
        t0 = System.nanoTime();
        admin.navigate().refresh();
        admin.findElement(By.id("alerting"));
        System.out.printf("OVERVIEW again: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        WebElement row = admin.findElement(By.cssSelector("#alerting tr[data-customer='" + customerId + "']"));
        assertTrue(row.getText().contains(customerName), row.getText());
        assertEquals(RECON + " 4: vertical 2, distributed 1, horizontal 1",
                row.findElement(By.cssSelector("td.families [data-family='RECONNAISSANCE']")).getText());
        assertEquals(1, row.findElements(By.cssSelector("td.families > div")).size(), "only reconnaissance: " + row.getText());
        // across the MSP's customers (other tests' too): reconnaissance, its types after it, each a link to the list
        WebElement recon = admin.findElement(By.cssSelector("#by-family li[data-family='RECONNAISSANCE']"));
        assertTrue(recon.getText().startsWith(RECON + " "), recon.getText());
        assertEquals(PORTAL + "/alerts?family=RECONNAISSANCE", recon.findElement(By.tagName("a")).getAttribute("href"));
        assertTrue(recon.getText().contains("distributed "), recon.getText());
        assertEquals("msp-a-admin", admin.findElement(By.id("user")).getText());
        slowWait(admin).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#offline-section table, #no-offline")));
        System.out.printf("OFFLINE sensors section loaded: %d ms after the reload%n", (System.nanoTime() - t0) / 1_000_000);
        shot(admin, "overview");
    }

    @Test
    @Order(2)
    void opensTheAlertAndAcknowledgesItWithTheKeyboard() throws Exception {
        long t0 = System.nanoTime();
        admin.get(PORTAL + "/alerts");
        assertEquals(1, admin.findElements(By.cssSelector("tr[data-alert='" + verticalId + "']")).size(), "in the MSP-wide list");
        assertEquals(1, admin.findElements(By.cssSelector("tr[data-alert='" + horizontalId + "']")).size(), "in the MSP-wide list");
        System.out.printf("ALERTS the list across msp-a's customers: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        admin.get(PORTAL + "/alerts?customer=" + customerId);
        assertEquals(4, admin.findElements(By.cssSelector("#alerts tbody tr")).size());
        assertEquals("Vertical scan from " + SCANNER, rowLink(verticalId).getText());
        assertEquals("Horizontal scan from " + SWEEPER, rowLink(horizontalId).getText());
        assertEquals("Distributed scan of 23/tcp across " + Scans.DISTRIBUTED_PREFIX + " from 8 sources",
                rowLink(distributedId).getText());
        for (WebElement family : admin.findElements(By.cssSelector("#alerts tbody td.family"))) {
            assertEquals(RECON, family.getText());
        }
        shot(admin, "alerts");
        admin.findElement(By.cssSelector("tr[data-alert='" + verticalId + "'] a[href*='/alerts/']")).click();
        wait(admin).until(ExpectedConditions.presenceOfElementLocated(By.id("summary")));
        assertEquals("OPEN", admin.findElement(By.id("status")).getText());
        assertTrue(admin.findElement(By.id("summary")).getText().startsWith(SCANNER + " probed"),
                admin.findElement(By.id("summary")).getText());
        assertTrue(admin.findElement(By.id("mitre")).getText().contains("T1046"));
        assertEquals(RECON + " · vertical", admin.findElement(By.id("family")).getText());
        assertEquals("SYN", admin.findElement(By.id("evidence-probes")).getText());
        WebElement evidence = admin.findElement(By.cssSelector("#evidence svg"));
        assertEquals("30 probe flows to 1 targets on 30 services: 28 failed, 2 answered", evidence.getAttribute("aria-label"));
        assertEquals(30, evidence.findElements(By.cssSelector("rect title")).size(), "one cell per probed service");
        shot(admin, "alert-detail");

        WebElement ack = admin.findElement(By.id("ack"));
        ack.sendKeys(Keys.ENTER);
        wait(admin).until(ExpectedConditions.textToBe(By.id("status"), "ACKNOWLEDGED"));
        assertEquals("Acknowledged", admin.findElement(By.id("notice")).getText());
        RestAssured.given().baseUri(services.detectionUrl()).auth().oauth2(Tokens.user("msp-a-admin"))
                .get("/api/v1/customers/" + customerId + "/alerts/" + verticalId).then().statusCode(200)
                .body("status", equalTo("ACKNOWLEDGED")).body("acknowledgedBy", equalTo("msp-a-admin"));
        shot(admin, "alert-acknowledged");
    }

    @Test
    @Order(3)
    void familyFilterNarrowsTheListAndTheTypeChoices() throws Exception {
        admin.get(PORTAL + "/alerts?customer=" + customerId + "&status=ALL");
        WebElement reconTypes = admin.findElement(By.cssSelector("#f-type optgroup[data-family='RECONNAISSANCE']"));
        assertEquals(List.of("horizontal", "vertical", "host sweep", "UDP", "stealth", "distributed"),
                reconTypes.findElements(By.tagName("option")).stream().map(o -> o.getAttribute("textContent")).toList());
        // a family without alert types yet: its choice hides reconnaissance's types at once, and lists nothing
        new Select(admin.findElement(By.id("f-family"))).selectByVisibleText("Command and Control");
        assertFalse(reconTypes.isEnabled(), "reconnaissance's types are not offered for command and control");
        admin.findElement(By.cssSelector("form.filters button[type='submit']")).click();
        wait(admin).until(ExpectedConditions.presenceOfElementLocated(By.id("no-alerts")));
        assertTrue(admin.getCurrentUrl().contains("family=COMMAND_AND_CONTROL"), admin.getCurrentUrl());
        // reconnaissance and one of its types: only that alert
        new Select(admin.findElement(By.id("f-family"))).selectByVisibleText(RECON);
        new Select(admin.findElement(By.id("f-type"))).selectByVisibleText("distributed");
        admin.findElement(By.cssSelector("form.filters button[type='submit']")).click();
        wait(admin).until(ExpectedConditions.urlContains("type=DISTRIBUTED"));
        assertEquals(List.of(distributedId), admin.findElements(By.cssSelector("#alerts tbody tr")).stream()
                .map(r -> r.getAttribute("data-alert")).toList());
        shot(admin, "alerts-family");
        // a type of another family than the one asked for is dropped: the family decides
        admin.get(PORTAL + "/alerts?customer=" + customerId + "&status=ALL&family=COMMAND_AND_CONTROL&type=VERTICAL");
        assertFalse(admin.findElements(By.id("no-alerts")).isEmpty());
        assertEquals("", new Select(admin.findElement(By.id("f-type"))).getFirstSelectedOption().getAttribute("value"));
        admin.get(PORTAL + "/alerts?customer=" + customerId + "&status=ALL&family=RECONNAISSANCE");
        assertEquals(4, admin.findElements(By.cssSelector("#alerts tbody tr")).size());
    }

    @Test
    @Order(4)
    void ackScanNamesItsProbesAndDistributedScanListsItsSources() throws Exception {
        admin.get(PORTAL + "/customers/" + customerId + "/alerts/" + ackScanId);
        assertTrue(admin.findElement(By.id("headline")).getText().endsWith("Vertical scan from " + ACK_SCANNER),
                admin.findElement(By.id("headline")).getText());
        assertEquals("ACK (firewall mapping)", admin.findElement(By.id("evidence-probes")).getText());

        admin.get(PORTAL + "/customers/" + customerId + "/alerts/" + distributedId);
        WebElement headline = admin.findElement(By.id("headline"));
        assertTrue(headline.getText().endsWith("Distributed scan of 23/tcp across " + Scans.DISTRIBUTED_PREFIX + " from 8 sources"),
                headline.getText());
        assertTrue(headline.findElements(By.tagName("a")).isEmpty(), "its key is no host to link to");
        assertEquals(RECON + " · distributed", admin.findElement(By.id("family")).getText());
        assertEquals("SYN", admin.findElement(By.id("evidence-probes")).getText());
        assertEquals("8: " + String.join(", ", MEMBERS), admin.findElement(By.id("sources")).getText());
        // the suppression form proposes no CIDR (a rule must hold every member) but the one port probed
        assertEquals("", admin.findElement(By.name("sourceCidr")).getAttribute("value"));
        assertEquals("23", admin.findElement(By.name("port")).getAttribute("value"));
        shot(admin, "alert-distributed");
    }

    @Test
    @Order(5)
    void bulkResolvesTheTickedAlertsOnly() {
        admin.get(PORTAL + "/alerts?customer=" + customerId + "&status=ALL");
        admin.findElement(By.cssSelector("input[name='pick'][value='" + customerId + "/" + horizontalId + "']")).click();
        admin.findElement(By.id("bulk-resolve")).click();
        wait(admin).until(ExpectedConditions.textToBe(By.id("notice"), "1 resolved"));
        RestAssured.given().baseUri(services.detectionUrl()).auth().oauth2(Tokens.user("msp-a-admin"))
                .get("/api/v1/customers/" + customerId + "/alerts/" + horizontalId).then().body("status", equalTo("RESOLVED"));
        RestAssured.given().baseUri(services.detectionUrl()).auth().oauth2(Tokens.user("msp-a-admin"))
                .get("/api/v1/customers/" + customerId + "/alerts/" + verticalId).then().body("status", equalTo("ACKNOWLEDGED"));
    }

    @Test
    @Order(6)
    void addsASensorShowingItsOneTimeTokenAndInstallCommandThenListsItOffline() throws Exception {
        admin.get(PORTAL + "/customers/" + customerId);
        assertTrue(admin.findElement(By.id("networks")).getText().contains("10.9.0.0/16"));
        assertFalse(admin.findElements(By.id("no-sensors")).isEmpty());
        admin.findElement(By.id("sensor-name")).sendKeys("core-switch-span");
        admin.findElement(By.id("add-sensor-submit")).click();
        String token = wait(admin).until(ExpectedConditions.presenceOfElementLocated(By.id("enrollment-token"))).getText();
        String install = admin.findElement(By.id("install-command")).getText();
        assertEquals("curl -fsSL '" + services.tenantsUrl() + "/install?token=" + token + "' | sudo sh -s -- --interface eth1",
                install.strip(), "one command: download, install and enroll with the token");
        // What that command pipes to sh: tenants' installer for this token (which it does not use up).
        String script = RestAssured.get(services.tenantsUrl() + "/install?token=" + token).then().statusCode(200).extract().asString();
        assertTrue(script.startsWith("#!/bin/sh") && script.contains("\ntoken='" + token + "'\n"), script);
        shot(admin, "sensor-added");

        // The sensor redeems the token as vigil-sensor enroll would; it never sent a heartbeat, so it is offline.
        RestAssured.given().baseUri(services.tenantsUrl()).contentType(ContentType.JSON).body("{\"token\":\"" + token + "\"}")
                .post("/api/v1/sensors/enroll").then().statusCode(200);
        admin.get(PORTAL + "/customers/" + customerId);
        WebElement sensors = admin.findElement(By.id("sensors"));
        assertTrue(sensors.getText().contains("core-switch-span") && sensors.getText().contains("offline"), sensors.getText());
        shot(admin, "customer");
        admin.get(PORTAL + "/");
        // the newest trouble first: this sensor, enrolled a moment ago and never heard from, is among the overview's 20
        String row = "core-switch-span " + customerName + " never";
        slowWait(admin).until(ExpectedConditions.textToBePresentInElementLocated(By.id("offline-section"), row));
        admin.get(PORTAL + "/sensors/offline");
        assertTrue(admin.findElement(By.id("offline")).getText().contains(row));
    }

    @Test
    @Order(7)
    void hostPageChartsTheWorkstationsHourOfWeekBaseline() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        int status = 0;
        while (System.nanoTime() < deadline && status != 200) {
            status = RestAssured.given().baseUri(services.detectionUrl()).auth().oauth2(Tokens.user("msp-a-admin"))
                    .get("/api/v1/customers/" + customerId + "/hosts/" + WORKSTATION + "/baseline").statusCode();
            TimeUnit.SECONDS.sleep(1);
        }
        assertEquals(200, status, "detection's baseline refresh profiled the workstation within 90 s");
        admin.get(PORTAL + "/customers/" + customerId + "/hosts/" + WORKSTATION);
        assertTrue(admin.findElement(By.id("baseline-state")).getText().startsWith("learning"),
                admin.findElement(By.id("baseline-state")).getText());
        List<WebElement> charts = admin.findElements(By.cssSelector("figure.chart svg"));
        assertFalse(charts.isEmpty());
        for (WebElement chart : charts) {
            assertEquals(2 * 168, chart.findElements(By.tagName("rect")).size(), chart.getAttribute("aria-label"));
        }
        shot(admin, "host-baseline");
    }

    @Test
    @Order(8)
    void hostAndAuditPagesShowTheScannerAndWhoAcknowledged() throws Exception {
        admin.get(PORTAL + "/customers/" + customerId + "/hosts/" + SCANNER);
        assertTrue(admin.findElement(By.id("h-alerts")).isDisplayed());
        assertTrue(admin.getPageSource().contains(verticalId));
        String flows = admin.findElement(By.id("h-flows")).findElement(By.xpath("following-sibling::table")).getText();
        assertTrue(flows.contains("Reported by") && flows.contains("sensor"), "each recent flow names its source: " + flows);
        shot(admin, "host");
        admin.get(PORTAL + "/audit?customer=" + customerId);
        String audit = admin.findElement(By.id("audit")).getText();
        assertTrue(audit.contains("msp-a-admin"), audit);
        shot(admin, "audit");
    }

    @Test
    @Order(9)
    void anAdminAllowsAnUploadAsAKnownJobInOneClickAndTheCustomersViewerCannot() throws Exception {
        String uploadId = awaitAlert(A1, "UNUSUAL_UPLOAD", uploader);
        String page = PORTAL + "/customers/" + A1 + "/alerts/" + uploadId;
        admin.get(page);
        assertTrue(admin.findElement(By.id("headline")).getText().endsWith("Unusual upload by " + uploader),
                admin.findElement(By.id("headline")).getText());
        assertEquals("Exfiltration · unusual upload", admin.findElement(By.id("family")).getText());
        assertUploadChartFollowsTheEvidence(admin, uploadId);
        WebElement allow = admin.findElement(By.id("allow-job"));
        assertEquals("Allow this job", allow.getText());
        assertEquals("unusual upload by " + uploader + " on port 443, for 90 days",
                allow.findElement(By.xpath("following-sibling::span")).getText());
        shot(admin, "alert-upload");

        allow.click();
        wait(admin).until(ExpectedConditions.textToBe(By.id("notice"),
                "Suppression added: later alerts like this one are dropped for 90 days"));
        assertEquals(page, admin.getCurrentUrl().replaceAll("\\?notice=.*", ""), "back on the alert's page");
        // in detection, read with the admin's own token: the source alone, the type, the port, 90 days, the alert named
        List<Map<String, Object>> rules = suppressionsOf(uploader);
        assertEquals(1, rules.size(), rules.toString());
        Map<String, Object> rule = rules.get(0);
        assertEquals("SUPPRESS", rule.get("kind"));
        assertEquals("UNUSUAL_UPLOAD", rule.get("type"));
        assertEquals(443, rule.get("port"));
        assertEquals("a known job: unusual upload by " + uploader + " (allowed from alert " + uploadId + ")", rule.get("reason"));
        assertEquals("msp-a-admin", rule.get("createdBy"));
        assertEquals(Boolean.TRUE, rule.get("active"));
        Duration left = Duration.between(Instant.now(), Instant.parse((String) rule.get("expiresAt")));
        assertTrue(left.compareTo(Duration.ofDays(89)) > 0 && left.compareTo(Duration.ofDays(90)) <= 0, "expires in " + left);
        String ruleId = (String) rule.get("id");
        try {
            // and on the customer's page, in "Allow-list and suppressions"
            admin.get(PORTAL + "/customers/" + A1);
            WebElement row = admin.findElement(By.cssSelector("#rules tr[data-rule='" + ruleId + "']"));
            List<String> cells = row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
            assertEquals(List.of("suppression", uploader + "/32", "443, UNUSUAL_UPLOAD"), cells.subList(0, 3));
            assertEquals(List.of(rule.get("reason"), "msp-a-admin"), cells.subList(5, 7));
            ((JavascriptExecutor) admin).executeScript("arguments[0].scrollIntoView()", row);
            Files.write(SHOTS.resolve("customer-suppressions.png"), ((TakesScreenshot) admin).getScreenshotAs(OutputType.BYTES));

            // a1's own viewer sees the alert, but no button to allow it ...
            WebDriver viewer = browser();
            try {
                signIn(viewer, "a1-viewer");
                viewer.get(PORTAL + "/alerts?customer=" + A1 + "&status=ALL");
                String formToken = viewer.findElement(By.cssSelector("#bulk input[name='csrf-token']")).getAttribute("value");
                viewer.get(page);
                assertTrue(viewer.findElement(By.id("headline")).getText().endsWith("Unusual upload by " + uploader));
                assertTrue(viewer.findElements(By.id("allow-job")).isEmpty(), "no Allow this job for a viewer");
                assertTrue(viewer.findElements(By.id("h-suppress")).isEmpty(), "no suppression form for a viewer");
                shot(viewer, "viewer-alert-upload");
                // ... and the button's request sent anyway, with the viewer's own session's form token, so that the
                // portal lets it through to detection: detection refuses it, and the portal says why
                ((JavascriptExecutor) viewer).executeScript("""
                        const f = document.createElement('form');
                        f.method = 'post';
                        f.action = arguments[0];
                        for (const [k, v] of Object.entries(arguments[1])) {
                          const i = document.createElement('input');
                          i.type = 'hidden'; i.name = k; i.value = v;
                          f.appendChild(i);
                        }
                        document.body.appendChild(f);
                        f.submit();""", page + "/suppress", Map.of("csrf-token", formToken, "sourceCidr", uploader + "/32",
                        "type", "UNUSUAL_UPLOAD", "port", "443", "days", "90", "reason", "a viewer's try"));
                wait(viewer).until(ExpectedConditions.textToBe(By.id("error-title"), "Not allowed"));
                assertEquals("role customer-viewer may read but not change this resource",
                        viewer.findElement(By.id("error-detail")).getText());
                shot(viewer, "viewer-allow-refused");
            } finally {
                viewer.quit();
            }
            // detection's own answer to the viewer: 403 as a problem document
            RestAssured.given().baseUri(services.detectionUrl()).auth().oauth2(Tokens.user("a1-viewer"))
                    .contentType(ContentType.JSON).body("{\"sourceCidr\":\"" + uploader + "/32\",\"type\":\"UNUSUAL_UPLOAD\","
                            + "\"expiresAt\":\"" + Instant.now().plus(Duration.ofDays(90)) + "\",\"reason\":\"a viewer's try\"}")
                    .post("/api/v1/customers/" + A1 + "/suppressions").then().statusCode(403)
                    .contentType("application/problem+json").body("type", equalTo("https://vigil.io/problems/forbidden"))
                    .body("detail", equalTo("role customer-viewer may read but not change this resource"));
            assertEquals(List.of(ruleId), suppressionsOf(uploader).stream().map(r -> r.get("id")).toList(),
                    "the viewer's tries added nothing");
        } finally {
            // a1 outlives the run: its list of suppressions does not grow by one a run
            RestAssured.given().baseUri(services.detectionUrl()).auth().oauth2(Tokens.user("msp-a-admin"))
                    .delete("/api/v1/customers/" + A1 + "/suppressions/" + ruleId).then().statusCode(204);
        }
    }

    @Test
    @Order(10)
    void aViewerOfAnotherCustomerSeesNothingOfThisOne() throws Exception {
        WebDriver viewer = browser();
        try {
            signIn(viewer, "a2-viewer");
            assertFalse(viewer.getPageSource().contains(customerId));
            assertFalse(viewer.getPageSource().contains(customerName));
            viewer.get(PORTAL + "/alerts?status=ALL");
            assertFalse(viewer.getPageSource().contains(customerId));
            assertTrue(viewer.findElements(By.id("bulk-ack")).isEmpty(), "a viewer gets no triage buttons");
            shot(viewer, "viewer-alerts");
            for (String path : List.of("/customers/" + customerId, "/customers/" + customerId + "/alerts/" + verticalId,
                    "/alerts?customer=" + customerId, "/customers/" + customerId + "/hosts/" + SCANNER)) {
                viewer.get(PORTAL + path);
                assertEquals("Not found", viewer.findElement(By.id("error-title")).getText(), path);
                assertFalse(viewer.getPageSource().contains(customerName), path);
            }
            shot(viewer, "viewer-not-found");
        } finally {
            viewer.quit();
        }
    }

    @Test
    @Order(11)
    void aRefusedTokenGivesTheReloginPageWhichSignsInAgainToTheSamePage() {
        // An API answering 401 (the token expired or was revoked while the portal session lived on) ...
        Response page = new ErrorPages(services.tenantsUrl(), services.detectionUrl()).forStatus(
                new ClientWebApplicationException(401), URI.create(PORTAL + "/alerts?customer=" + customerId));
        String html = (String) page.getEntity();
        assertEquals(401, page.getStatus());
        assertTrue(html.contains("Your session has expired"), html);
        String relogin = "/relogin?to=%2Falerts%3Fcustomer%3D" + customerId;
        assertTrue(html.contains("href=\"" + relogin + "\""), html);
        // ... and its button drops the portal session and comes back through Keycloak to the same page
        String sessionBefore = session(admin);
        assertFalse(sessionBefore.isEmpty());
        admin.get(PORTAL + relogin);
        slowWait(admin).until(ExpectedConditions.urlToBe(PORTAL + "/alerts?customer=" + customerId));
        assertEquals("msp-a-admin", admin.findElement(By.id("user")).getText());
        assertFalse(session(admin).isEmpty() || session(admin).equals(sessionBefore), "a new portal session");
    }

    @Test
    @Order(12)
    void whenDetectionIsDownThePageSaysSo() throws Exception {
        services.stopDetection();
        admin.get(PORTAL + "/customers/" + customerId + "/alerts/" + verticalId);
        assertEquals("The detection service is not answering", admin.findElement(By.id("error-title")).getText());
        shot(admin, "detection-down");
    }

    /** The id of the customer's alert of this type and source, once detection's cycle raised it (90 s at most). */
    private String awaitAlert(String customer, String type, String source) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            List<String> ids = RestAssured.given().baseUri(services.detectionUrl()).auth().oauth2(Tokens.user("msp-a-admin"))
                    .queryParam("type", type).queryParam("source", source)
                    .get("/api/v1/customers/" + customer + "/alerts").then().statusCode(200).extract().path("items.id");
            if (!ids.isEmpty()) {
                assertEquals(1, ids.size(), ids.toString());
                return ids.get(0);
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new AssertionError("detection raised no " + type + " alert of " + source + " for " + customer + " within 90 s; see "
                + Services.WORK.resolve("detection.log"));
    }

    /** a1's suppressions of one source, as detection lists them to msp-a-admin. */
    private List<Map<String, Object>> suppressionsOf(String source) {
        List<Map<String, Object>> all = RestAssured.given().baseUri(services.detectionUrl()).auth().oauth2(Tokens.user("msp-a-admin"))
                .get("/api/v1/customers/" + A1 + "/suppressions").then().statusCode(200).extract().jsonPath().getList("$");
        return all.stream().filter(r -> (source + "/32").equals(r.get("sourceCidr"))).toList();
    }

    /**
     * The upload's chart is drawn from the evidence's {@code timeline}, which detection writes from a later version on:
     * with one, a bar for each minute with bytes; without, no chart and no empty frame.
     */
    private void assertUploadChartFollowsTheEvidence(WebDriver d, String alertId) {
        List<Map<String, Object>> timeline = RestAssured.given().baseUri(services.detectionUrl())
                .auth().oauth2(Tokens.user("msp-a-admin")).get("/api/v1/customers/" + A1 + "/alerts/" + alertId)
                .then().statusCode(200).extract().jsonPath().getList("evidence.timeline");
        if (timeline == null) {
            assertTrue(d.findElements(By.id("uploads")).isEmpty() && d.findElements(By.id("h-uploads")).isEmpty(),
                    "no timeline in the evidence, no chart");
            return;
        }
        WebElement chart = d.findElement(By.cssSelector("#uploads svg"));
        assertTrue(chart.getAttribute("aria-label").startsWith("Bytes " + uploader + " sent to external hosts per minute"),
                chart.getAttribute("aria-label"));
        assertEquals(timeline.size(), chart.findElements(By.tagName("rect")).size(), "a bar per minute with bytes");
    }

    /** The link of an alert's row in the list shown. */
    private WebElement rowLink(String alertId) {
        return admin.findElement(By.cssSelector("tr[data-alert='" + alertId + "'] a[href*='/alerts/']"));
    }

    private static WebDriver browser() {
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .build();
        WebDriver d = new ChromeDriver(service, options);
        d.manage().timeouts().implicitlyWait(Duration.ofSeconds(2));
        return d;
    }

    private static void signIn(WebDriver d, String user) {
        d.get(PORTAL + "/");
        wait(d).until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(user);
        d.findElement(By.id("password")).sendKeys("dev-" + user);
        d.findElement(By.id("kc-login")).click();
        slowWait(d).until(ExpectedConditions.textToBe(By.id("user"), user));
    }

    private static WebDriverWait wait(WebDriver d) {
        return new WebDriverWait(d, Duration.ofSeconds(30));
    }

    /** The portal's session cookies (Quarkus OIDC's q_session*: the encrypted tokens). */
    private static String session(WebDriver d) {
        return d.manage().getCookies().stream().filter(c -> c.getName().startsWith("q_session"))
                .map(c -> c.getName() + "=" + c.getValue()).sorted().reduce("", (a, b) -> a + ";" + b);
    }

    /** For pages that ask every customer of the MSP (hundreds on the shared dev database). */
    private static WebDriverWait slowWait(WebDriver d) {
        return new WebDriverWait(d, Duration.ofSeconds(120));
    }

    /** The whole page at 1280 px wide, then back to 1280×800. */
    private static void shot(WebDriver d, String name) throws Exception {
        long height = (Long) ((JavascriptExecutor) d).executeScript("return document.documentElement.scrollHeight");
        d.manage().window().setSize(new Dimension(1280, (int) Math.max(800, Math.min(height + 20, 6000))));
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
        d.manage().window().setSize(new Dimension(1280, 800));
    }
}
