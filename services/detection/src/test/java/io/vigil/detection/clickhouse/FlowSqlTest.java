package io.vigil.detection.clickhouse;

import io.vigil.detection.model.Networks;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FlowSqlTest {

    @Test
    void cidrsBecomeByteComparisonsOnMappedAddresses() {
        assertEquals("((1 AND substring(a, 1, 14) = unhex('00000000000000000000ffff0a01')))",
                FlowSql.inside("a", Networks.of(List.of("10.1.0.0/16"))));
        assertEquals("((1 AND substring(a, 1, 12) = unhex('00000000000000000000ffff')"
                        + " AND bitAnd(reinterpretAsUInt8(substring(a, 13, 1)), 240) = 192))",
                FlowSql.inside("a", Networks.of(List.of("192.0.0.0/4"))));
        assertEquals("((1 AND substring(a, 1, 6) = unhex('fd0000a10000')) OR (1 AND substring(a, 1, 16) = unhex('00000000000000000000ffff0a000005')))",
                FlowSql.inside("a", Networks.of(List.of("fd00:a1::/48", "10.0.0.5"))));
        assertEquals("0", FlowSql.inside("a", Networks.NONE));
    }
}
