package io.vigil.detection.sensor;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether a sensor is reporting, decided from its heartbeats alone: pure, no I/O, so its rules are tested in
 * milliseconds (SensorPresenceTest). The watcher reads what it last recorded and the newest heartbeat, asks
 * {@link #decide}, and records the answer with the notification it calls for.
 * <ul>
 *   <li>A sensor is OFFLINE once no heartbeat arrived for {@code offlineAfter}. Its {@code since} is then the last
 *       heartbeat plus {@code offlineAfter}: the instant it crossed the line, whenever the watcher looked, so two
 *       watchers (or one before and after a restart) name the same transition.</li>
 *   <li>A sensor never heard from WAITS from its enrollment, and is OFFLINE only once it has been enrolled for
 *       {@code offlineAfter} (since: enrollment plus {@code offlineAfter}, no last heartbeat).</li>
 *   <li>An OFFLINE sensor is ONLINE again with the first heartbeat newer than the last one it had, unless that
 *       heartbeat is itself already older than {@code offlineAfter} (the watcher was stopped meanwhile): then it stays
 *       offline, and nothing is said of the short return nobody saw in time.</li>
 *   <li>Only those two transitions are events: a WAITING sensor's first heartbeat is no news.</li>
 * </ul>
 */
public final class SensorPresence {

    private SensorPresence() {
    }

    public enum State { WAITING, ONLINE, OFFLINE }

    /** The notifications a transition calls for. */
    public enum Event { OFFLINE, ONLINE }

    /**
     * What is known of a sensor.
     *
     * @param since         when it entered {@code state}
     * @param lastHeartbeat the newest heartbeat seen; null when never heard from
     */
    public record Known(State state, Instant since, Instant lastHeartbeat) {
        public Known {
            Objects.requireNonNull(state);
            Objects.requireNonNull(since);
        }

        /** A sensor just enrolled (or first watched): waiting for its first heartbeat. */
        public static Known waitingSince(Instant watchedSince) {
            return new Known(State.WAITING, watchedSince, null);
        }
    }

    /**
     * What to record, and the event to send (null for none).
     *
     * @param offlineSince for an ONLINE event, when the sensor had gone offline; else null
     */
    public record Decision(Known next, Event event, Instant offlineSince) {
    }

    /**
     * @param before       what was recorded
     * @param watchedSince when the sensor may first be expected to report (its enrollment)
     * @param heartbeat    the newest heartbeat read now; null when none was read (never heard from, or older than the read's
     *                     horizon)
     * @param now          the watcher's clock
     * @param offlineAfter how long without a heartbeat makes a sensor offline
     */
    public static Decision decide(Known before, Instant watchedSince, Instant heartbeat, Instant now, Duration offlineAfter) {
        Instant last = newest(before.lastHeartbeat(), heartbeat);
        boolean newer = last != null && (before.lastHeartbeat() == null || last.isAfter(before.lastHeartbeat()));
        Instant offlineAt = (last != null ? last : watchedSince).plus(offlineAfter);
        boolean quiet = !now.isBefore(offlineAt);
        return switch (before.state()) {
            case WAITING, ONLINE -> {
                if (quiet) {
                    yield new Decision(new Known(State.OFFLINE, offlineAt, last), Event.OFFLINE, null);
                }
                if (before.state() == State.WAITING && last != null) {
                    yield new Decision(new Known(State.ONLINE, last, last), null, null);
                }
                yield new Decision(new Known(before.state(), before.since(), last), null, null);
            }
            case OFFLINE -> newer && !quiet
                    ? new Decision(new Known(State.ONLINE, last, last), Event.ONLINE, before.since())
                    : new Decision(new Known(State.OFFLINE, before.since(), last), null, null);
        };
    }

    private static Instant newest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
