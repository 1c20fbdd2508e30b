package io.vigil.detection.family;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RarityTest {

    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final long YESTERDAY = NOW.minusSeconds(86_400).toEpochMilli();

    final Rarity rarity = new SmallRyeConfigBuilder().withMapping(Rarity.class)
            .withSources(new PropertiesConfigSource(Map.of(), "test", 500)).build().getConfigMapping(Rarity.class);

    static FeatureRequest.DestinationPrevalence.Answer seen(int active, int hosts, long firstMs) {
        return new FeatureRequest.DestinationPrevalence.Answer(active, Map.of("198.51.100.7", new FeatureRequest.DestinationPrevalence.Seen(hosts, firstMs)));
    }

    @Test
    void atMostTwoPercentOfTheActiveHostsAndFirstReachedThisWeekIsRare() {
        assertTrue(rarity.rare(seen(500, 10, YESTERDAY), "198.51.100.7", NOW), "10 of 500");
        assertFalse(rarity.rare(seen(500, 11, YESTERDAY), "198.51.100.7", NOW), "11 of 500");
        assertFalse(rarity.rare(seen(500, 1, NOW.minusSeconds(8 * 86_400).toEpochMilli()), "198.51.100.7", NOW), "reached 8 days ago");
    }

    @Test
    void inASmallNetworkOneHostAloneMakesItRare() {
        assertTrue(rarity.rare(seen(12, 1, YESTERDAY), "198.51.100.7", NOW));
        assertFalse(rarity.rare(seen(12, 2, YESTERDAY), "198.51.100.7", NOW));
    }

    @Test
    void withoutAReadNothingIsRareAndAnAddressNobodyReachedIs() {
        assertFalse(rarity.rare(new FeatureRequest.DestinationPrevalence.Answer(0, Map.of()), "198.51.100.7", NOW));
        assertTrue(rarity.rare(new FeatureRequest.DestinationPrevalence.Answer(40, Map.of()), "198.51.100.7", NOW));
    }
}
