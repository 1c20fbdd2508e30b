package io.vigil.detection.family;

import io.vigil.detection.model.Attempt;
import io.vigil.detection.model.Networks;
import io.vigil.detection.model.Session;
import io.vigil.detection.model.Transfer;

import java.time.Instant;
import java.util.List;

/**
 * One tenant's new batches as every family sees them in a cycle.
 *
 * @param tenant   the customer id
 * @param networks the customer's internal networks (none when unknown)
 * @param attempts the attempts in exactly the new batches, one per (source, target, port, protocol, kind), of the
 *                 sources that probed in them (a failed or answered attempt); the others' sessions are not read
 * @param sessions the TCP sessions in the new batches with the services some family reads sessions of
 *                 ({@link Family#sessionPorts()}), one per (source, host, port), of every source
 * @param transfers the new batches' transfers, one per (source, host, port, protocol), of the sources that sent at least
 *                 some family's {@link Family#transferFloor()} bytes in them
 * @param end      the cycle's clock, truncated to the second: the end of every horizon
 */
public record TenantWindow(String tenant, Networks networks, List<Attempt> attempts, List<Session> sessions,
                           List<Transfer> transfers, Instant end) {
}
