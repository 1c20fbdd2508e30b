package io.vigil.detection.alert;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.support.TestCustomers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.vigil.lib.testing.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alert lists' {@code updatedSince}: a SIEM's incremental poll. Alerts are written with known last-change times; the
 * filter keeps those changed at or after the instant, pages with the cursor like any other filter, sees a resolution as
 * a change, stays inside the caller's scope, and refuses what is not an ISO-8601 instant with a 400 naming it.
 */
@QuarkusTest
class AlertUpdatedSinceIT {

    @Inject
    Pool pool;

    String tenant;
    Instant base;
    String old;
    String mid;
    String recent;

    @BeforeEach
    void alertsWithKnownLastChanges() {
        tenant = TestCustomers.create(pool, "10.1.0.0/16");
        base = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        old = insert("10.1.0.1", base.minus(2, ChronoUnit.HOURS));
        mid = insert("10.1.0.2", base.minus(1, ChronoUnit.HOURS));
        recent = insert("10.1.0.3", base);
    }

    private String insert(String source, Instant updatedAt) {
        String id = "al-us" + UUID.randomUUID().toString().substring(0, 8);
        OffsetDateTime at = OffsetDateTime.ofInstant(updatedAt, ZoneOffset.UTC);
        pool.preparedQuery("INSERT INTO detection.alerts (id, customer_id, msp_id, family, type, source, status, severity, score,"
                        + " direction, slow, mitre, summary, targets, target_count, ports, port_count, attempts, failed, answered,"
                        + " trw_failures, first_seen, last_seen, samples, created_at, updated_at) VALUES ($1, $2, 'msp-a', 'RECONNAISSANCE',"
                        + " 'HORIZONTAL', $3, 'OPEN', 'MEDIUM', 45, 'LATERAL', false, '{T1046}', 'test', '{10.1.0.9}', 1, '{22/tcp}',"
                        + " 1, 4, 4, 0, 4, $4, $4, '[]', $4, $4)")
                .execute(Tuple.of(id, tenant, source, at)).await().indefinitely();
        return id;
    }

    private String customerList() {
        return "/api/v1/customers/" + tenant + "/alerts";
    }

    /** Every page of the list through its cursor, as {@code caller} reads it: the ids in order. */
    private static List<String> all(String caller, String path, String updatedSince, int limit) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            RequestSpecification s = as(caller).queryParam("updatedSince", updatedSince).queryParam("limit", limit);
            if (cursor != null) {
                s = s.queryParam("cursor", cursor);
            }
            JsonPath page = s.get(path).then().statusCode(200).extract().jsonPath();
            for (Object at : page.getList("items.updatedAt")) {
                assertFalse(Instant.parse((String) at).isBefore(OffsetDateTime.parse(updatedSince).toInstant()),
                        "an item changed before updatedSince: " + at);
            }
            ids.addAll(page.getList("items.id"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return ids;
    }

    @Test
    void keepsAlertsChangedAtOrAfterTheInstantAcrossCursorPages() {
        String since = base.minus(1, ChronoUnit.HOURS).toString();
        assertEquals(List.of(recent, mid), all("msp-a-analyst", customerList(), since, 1),
                "the boundary is included; latest activity first, one per page");
        assertEquals(List.of(recent), all("msp-a-admin", customerList(), base.toString(), 50));
        assertEquals(List.of(), all("msp-a-analyst", customerList(), base.plusMillis(1).toString(), 50));
        assertEquals(List.of(recent, mid, old), all("msp-a-analyst", customerList(),
                base.minus(3, ChronoUnit.HOURS).toString(), 2));
    }

    @Test
    void takesAnOffsetAndCombinesWithTheOtherFilters() {
        // 01:00 at +01:00 is midnight UTC: the same instant as the Z form.
        OffsetDateTime plusOne = OffsetDateTime.ofInstant(base.minus(1, ChronoUnit.HOURS), ZoneOffset.ofHours(1));
        assertEquals(List.of(recent, mid), all("msp-a-analyst", customerList(), plusOne.toString(), 50));
        List<Object> filtered = as("msp-a-analyst").queryParam("updatedSince", base.minus(3, ChronoUnit.HOURS).toString())
                .queryParam("source", "10.1.0.2").get(customerList()).then().statusCode(200).extract().jsonPath().getList("items.id");
        assertEquals(List.of(mid), filtered);
    }

    @Test
    void aResolutionIsAChangeTheNextPollSees() {
        Instant poll = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertEquals(List.of(recent), all("msp-a-analyst", customerList(), base.toString(), 50));
        as("msp-a-analyst").post(customerList() + "/" + old + "/resolve").then().statusCode(200).body("status", equalTo("RESOLVED"));
        List<String> next = all("msp-a-analyst", customerList(), poll.minusSeconds(1).toString(), 50);
        assertTrue(next.contains(old), "the resolved alert is in the next poll: " + next);
        assertFalse(next.contains(mid), next.toString());
    }

    @Test
    void theMspListFiltersTooAndOtherMspsSeeNothing() {
        String since = base.minus(1, ChronoUnit.HOURS).toString();
        List<String> mine = all("msp-a-analyst", "/api/v1/msps/msp-a/alerts", since, 200);
        assertTrue(mine.containsAll(List.of(recent, mid)), mine.toString());
        assertFalse(mine.contains(old), mine.toString());
        List<String> theirs = all("msp-b-admin", "/api/v1/msps/msp-b/alerts", base.minus(3, ChronoUnit.HOURS).toString(), 200);
        assertTrue(theirs.stream().noneMatch(Set.of(old, mid, recent)::contains), theirs.toString());
        for (String outsider : List.of("msp-b-admin", "msp-b-analyst", "b1-viewer", "a2-viewer")) {
            as(outsider).queryParam("updatedSince", since).get(customerList()).then().statusCode(404)
                    .contentType("application/problem+json");
        }
        for (String outsider : List.of("msp-b-admin", "msp-b-analyst", "b1-viewer")) {
            as(outsider).queryParam("updatedSince", since).get("/api/v1/msps/msp-a/alerts").then().statusCode(404);
        }
        as("anonymous").queryParam("updatedSince", since).get(customerList()).then().statusCode(401);
    }

    @Test
    void aValueThatIsNotAnIso8601InstantIsA400NamingTheParameter() {
        for (String path : List.of(customerList(), "/api/v1/msps/msp-a/alerts")) {
            for (String bad : List.of("yesterday", "2026-13-01T00:00:00Z", "1700000000", "2026-12-01", "2026-12-01T00:00:00")) {
                as("msp-a-analyst").queryParam("updatedSince", bad).get(path).then().statusCode(400)
                        .contentType("application/problem+json")
                        .body("type", equalTo("https://vigil.io/problems/validation"))
                        .body("detail", containsString("updatedSince"))
                        .body("errors[0].field", equalTo("updatedSince"));
            }
        }
    }
}
