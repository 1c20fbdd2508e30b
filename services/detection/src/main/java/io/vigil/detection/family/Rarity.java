package io.vigil.detection.family;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.time.Instant;

/**
 * When an external address is rare for a customer: few of its internal hosts talk to it, and it is new. Shared by the
 * families whose findings are worse toward a rare destination (an upload today; a beacon or a long connection next).
 *
 * <p>The rule follows the commercial NDRs' "rare destination" (an address at most a small share of the network's hosts
 * reach) and RITA's prevalence and first-seen modifiers: an address reached by at most {@code max-share} of the
 * customer's active hosts, never fewer than one host (so that in a small network, the host itself alone makes it rare),
 * and first reached within {@code new-within}. Prevalence is read over {@code horizon} of the per-minute roll-up, which
 * is longer than {@code new-within} so that "first reached" looks back past it.
 */
@ConfigMapping(prefix = "vigil.detection.rarity")
public interface Rarity {

    /** The largest share of the customer's active internal hosts that may reach a rare address. */
    @WithDefault("0.02")
    double maxShare();

    /** A rare address was first reached at most this long ago. */
    @WithDefault("P7D")
    Duration newWithin();

    /** How far back prevalence is read. */
    @WithDefault("P14D")
    Duration horizon();

    /** The prevalence read for these addresses. */
    default FeatureRequest.DestinationPrevalence request(java.util.Set<String> addresses) {
        return new FeatureRequest.DestinationPrevalence(addresses, horizon());
    }

    /** Whether {@code address} is rare by what the read answered, as of {@code now}; never when nothing was read. */
    default boolean rare(FeatureRequest.DestinationPrevalence.Answer answer, String address, Instant now) {
        FeatureRequest.DestinationPrevalence.Seen seen = answer.destinations().get(address);
        if (answer.activeHosts() == 0 || seen == null) {
            return answer.activeHosts() > 0;
        }
        long most = Math.max(1, (long) Math.floor(maxShare() * answer.activeHosts()));
        return seen.hosts() <= most && seen.firstMs() >= now.minus(newWithin()).toEpochMilli();
    }
}
