package io.vigil.detection.sensor;

import io.vigil.detection.sensor.SensorPresence.Decision;
import io.vigil.detection.sensor.SensorPresence.Event;
import io.vigil.detection.sensor.SensorPresence.Known;
import io.vigil.detection.sensor.SensorPresence.State;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** When a sensor is offline, when it is back, and which of those are news: the watcher's rules, with the shipped 5 minutes. */
class SensorPresenceTest {

    private static final Duration OFFLINE_AFTER = Duration.ofMinutes(5);
    private static final Instant ENROLLED = Instant.parse("2026-12-08T10:00:00Z");

    private static Instant at(String hhmmss) {
        return Instant.parse("2026-12-08T" + hhmmss + "Z");
    }

    private static Decision decide(Known before, Instant heartbeat, Instant now) {
        return SensorPresence.decide(before, ENROLLED, heartbeat, now, OFFLINE_AFTER);
    }

    @Test
    void aSensorNeverHeardFromWaitsUntilItHasBeenEnrolledForTheOfflineTime() {
        Known waiting = Known.waitingSince(ENROLLED);
        Decision early = decide(waiting, null, at("10:04:59"));
        assertEquals(State.WAITING, early.next().state());
        assertNull(early.event());

        Decision late = decide(waiting, null, at("10:05:00"));
        assertEquals(new Known(State.OFFLINE, at("10:05:00"), null), late.next());
        assertEquals(Event.OFFLINE, late.event());
    }

    @Test
    void aWaitingSensorsFirstHeartbeatMakesItOnlineWithoutNews() {
        Decision d = decide(Known.waitingSince(ENROLLED), at("10:01:00"), at("10:01:10"));
        assertEquals(new Known(State.ONLINE, at("10:01:00"), at("10:01:00")), d.next());
        assertNull(d.event());
    }

    @Test
    void anOnlineSensorIsOfflineExactlyTheOfflineTimeAfterItsLastHeartbeat() {
        Known online = new Known(State.ONLINE, at("10:01:00"), at("10:10:00"));
        assertNull(decide(online, at("10:10:00"), at("10:14:59")).event());

        Decision d = decide(online, at("10:10:00"), at("10:15:00"));
        assertEquals(Event.OFFLINE, d.event());
        assertEquals(new Known(State.OFFLINE, at("10:15:00"), at("10:10:00")), d.next());
    }

    @Test
    void theOfflineInstantIsTheSameHoweverLateTheWatcherLooks() {
        Known online = new Known(State.ONLINE, at("10:01:00"), at("10:10:00"));
        Decision soon = decide(online, null, at("10:15:30"));
        Decision late = decide(online, null, at("11:40:00"));
        assertEquals(soon.next(), late.next(), "a restart or another replica names the same transition");
    }

    @Test
    void anOfflineSensorStaysOfflineAndSaysNothingMoreUntilANewHeartbeat() {
        Known offline = new Known(State.OFFLINE, at("10:15:00"), at("10:10:00"));
        Decision d = decide(offline, at("10:10:00"), at("12:00:00"));
        assertEquals(offline, d.next());
        assertNull(d.event());
    }

    @Test
    void aNewHeartbeatBringsAnOfflineSensorBackOnceAndNamesWhenItHadGoneOffline() {
        Known offline = new Known(State.OFFLINE, at("10:15:00"), at("10:10:00"));
        Decision back = decide(offline, at("10:30:00"), at("10:30:05"));
        assertEquals(Event.ONLINE, back.event());
        assertEquals(at("10:15:00"), back.offlineSince());
        assertEquals(new Known(State.ONLINE, at("10:30:00"), at("10:30:00")), back.next());

        Decision again = decide(back.next(), at("10:30:30"), at("10:30:35"));
        assertNull(again.event(), "the next heartbeats are no news");
        assertEquals(State.ONLINE, again.next().state());
    }

    @Test
    void aHeartbeatAlreadyOlderThanTheOfflineTimeDoesNotBringASensorBack() {
        Known offline = new Known(State.OFFLINE, at("10:15:00"), at("10:10:00"));
        Decision d = decide(offline, at("10:20:00"), at("10:40:00"));
        assertNull(d.event());
        assertEquals(new Known(State.OFFLINE, at("10:15:00"), at("10:20:00")), d.next(), "the newer heartbeat is remembered");
    }

    @Test
    void aHeartbeatReadOlderThanTheOneRecordedIsIgnored() {
        Known online = new Known(State.ONLINE, at("10:01:00"), at("10:10:00"));
        Decision d = decide(online, at("10:05:00"), at("10:11:00"));
        assertEquals(online, d.next());
    }

    @Test
    void aSensorOfflineWhenNeverHeardFromComesBackWithItsFirstHeartbeat() {
        Known offline = new Known(State.OFFLINE, at("10:05:00"), null);
        Decision d = decide(offline, at("10:07:00"), at("10:07:10"));
        assertEquals(Event.ONLINE, d.event());
        assertEquals(at("10:05:00"), d.offlineSince());
    }

    @Test
    void aPlanRecordsOnlyWhatMovedAndAnnouncesOnlyTransitions() {
        Watched quiet = watched("s-quiet", new Known(State.ONLINE, at("10:01:00"), at("10:02:00")), 3);
        Watched steady = watched("s-steady", new Known(State.ONLINE, at("10:01:00"), at("10:09:30")), 7);
        Watched beating = watched("s-beating", new Known(State.ONLINE, at("10:01:00"), at("10:09:00")), 1);
        WatchPlan plan = WatchPlan.of(List.of(quiet, steady, beating),
                Map.of(steady.key(), at("10:09:30"), beating.key(), at("10:09:45")), at("10:10:00"), OFFLINE_AFTER);
        assertEquals(List.of("s-quiet", "s-beating"), plan.changes().stream().map(c -> c.sensor().sensorId()).toList());
        assertEquals(3, plan.changes().get(0).version(), "recorded over the version read");
        assertEquals(1, plan.events().size());
        SensorChanged off = plan.events().get(0);
        assertEquals(Event.OFFLINE, off.event());
        assertEquals(at("10:07:00"), off.offlineSince());
        assertEquals(at("10:02:00"), off.lastHeartbeat());
        assertEquals("sensor:a1/s-quiet:OFFLINE:" + at("10:07:00").toEpochMilli(), off.dedupeKey());
        assertEquals(1, plan.offline());
    }

    @Test
    void theRosterAddsNewSensorsUpdatesRenamedOnesAndForgetsThoseNoLongerEnrolled() {
        Watched kept = watched("s-kept", Known.waitingSince(ENROLLED), 0);
        Watched renamed = watched("s-renamed", Known.waitingSince(ENROLLED), 0);
        Watched revoked = watched("s-revoked", Known.waitingSince(ENROLLED), 0);
        Registration renamedNow = new Registration("a1", "s-renamed", "msp-a", "site-1", "HQ", "core-2", ENROLLED);
        Registration added = new Registration("a1", "s-new", "msp-a", null, null, "new", ENROLLED);
        Roster r = Roster.of(List.of(kept, renamed, revoked), List.of(Registration.of(kept), renamedNow, added));
        assertEquals(List.of(renamedNow, added), r.register());
        assertEquals(List.of(revoked), r.forget());
    }

    private static Watched watched(String id, Known known, long version) {
        return new Watched("a1", id, "msp-a", "site-1", "HQ", "core", ENROLLED, known, version);
    }
}
