package io.vigil.sensor.collect;

import io.vigil.sensor.collect.ExportDatagrams.Message;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static io.vigil.sensor.collect.ExportDatagrams.FLOW_V4;
import static io.vigil.sensor.collect.ExportDatagrams.SAMPLER_ID;
import static io.vigil.sensor.collect.ExportDatagrams.SAMPLING_INTERVAL;
import static io.vigil.sensor.collect.ExportDatagrams.flow;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sampling rates, wherever an exporter announces them, are applied to the counts and recorded on each record. */
class SamplingTest {

    static final long NOW = TemplateHandlingTest.NOW;
    static final long SECS = NOW / 1000;
    static final String ROUTER = "192.0.2.1";

    @Test
    void appliesTheV5HeaderSamplingInterval() {
        Decoding d = new Decoding();
        // Mode 01 (one in N, deterministic) in the top two bits, N = 100 in the other 14.
        d.send(ROUTER, ExportDatagrams.v5(10_000, SECS, 1, 0x4000 | 100,
                new Object[] {"10.0.0.1", "10.0.0.2", 40000, 443, 6, 0x10, 3L, 1500L, 9_000L, 9_500L}), NOW);
        Decoding.Got r = d.take().get(0);
        assertEquals(300, r.packets());
        assertEquals(150_000, r.bytes());
        assertEquals(100, r.rate());
    }

    @Test
    void appliesSystemScopedOptionsSamplingToLaterRecordsOfThatSourceOnly() {
        Decoding d = new Decoding();
        // softflowd's shape: scope "system" (v9 scope type 1), then SAMPLING_INTERVAL and SAMPLING_ALGORITHM.
        d.send(ROUTER, Message.v9(1_000, SECS, 1, 0)
                .optionsTemplate(256, new int[] {1, 4}, new int[] {SAMPLING_INTERVAL, 4, 35, 1})
                .data(256, b -> b.u32(0).u32(4).u8(1))
                .template(300, FLOW_V4)
                .data(300, flow("10.0.0.1", "10.0.0.2", 1, 2, 17, 0, 2, 200, 900, 900)).build(), NOW);
        d.send(ROUTER, Message.v9(1_000, SECS, 1, 5).template(300, FLOW_V4)
                .data(300, flow("10.0.0.1", "10.0.0.2", 1, 2, 17, 0, 2, 200, 900, 900)).build(), NOW);
        List<Decoding.Got> got = d.take();
        assertEquals(8, got.get(0).packets());
        assertEquals(800, got.get(0).bytes());
        assertEquals(4, got.get(0).rate());
        assertEquals(2, got.get(1).packets(), "another observation domain of the router announced nothing");
        assertEquals(1, got.get(1).rate());
    }

    @Test
    void appliesEachSamplersRateToTheRecordsThatNameIt() {
        Decoding d = new Decoding();
        int[] withSampler = ExportDatagrams.append(FLOW_V4, SAMPLER_ID, 1);
        d.send(ROUTER, Message.v9(1_000, SECS, 1, 0)
                .optionsTemplate(256, new int[] {1, 4}, new int[] {SAMPLER_ID, 1, 49, 1, 50, 4})
                .data(256, b -> b.u32(0).u8(1).u8(2).u32(10), b -> b.u32(0).u8(2).u8(2).u32(1000))
                .template(300, withSampler)
                .data(300, b -> flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 900, 900).andThen(x -> x.u8(2)).accept(b),
                        b -> flow("10.0.0.3", "10.0.0.4", 1, 2, 6, 2, 1, 40, 900, 900).andThen(x -> x.u8(1)).accept(b))
                .build(), NOW);
        List<Decoding.Got> got = d.take();
        assertEquals(1000, got.get(0).rate());
        assertEquals(1000, got.get(0).packets());
        assertEquals(10, got.get(1).rate());
        assertEquals(400, got.get(1).bytes());
    }

    @Test
    void appliesIpfixPacketIntervalAndSpace() {
        Decoding d = new Decoding();
        // Take 1 packet, skip 9 (RFC 5477 systematic count-based sampling): one in ten.
        d.send(ROUTER, Message.ipfix(SECS, 0, 0)
                .optionsTemplate(256, new int[] {149, 4}, new int[] {305, 4, 306, 4})
                .data(256, b -> b.u32(0).u32(1).u32(9))
                .template(300, FLOW_V4)
                .data(300, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 0, 0)).build(), NOW);
        Decoding.Got r = d.take().get(0);
        assertEquals(10, r.rate());
        assertEquals(10, r.packets());
    }

    @Test
    void aRateInTheRecordItselfWins() {
        Decoding d = new Decoding();
        int[] withInterval = ExportDatagrams.append(FLOW_V4, SAMPLING_INTERVAL, 4);
        d.send(ROUTER, Message.v9(1_000, SECS, 1, 0)
                .optionsTemplate(256, new int[] {1, 4}, new int[] {SAMPLING_INTERVAL, 4})
                .data(256, b -> b.u32(0).u32(100))
                .template(300, withInterval)
                .data(300, b -> flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 900, 900).andThen(x -> x.u32(8))
                        .accept(b)).build(), NOW);
        assertEquals(8, d.take().get(0).rate());
    }

    @Test
    void theConfiguredRateCoversExportersThatSampleWithoutSaying() {
        Decoding d = new Decoding(CollectorConfig.defaults(List.of(new InetSocketAddress(0))).withDefaultSamplingRate(64));
        d.send(ROUTER, Message.v9(1_000, SECS, 1, 0).template(300, FLOW_V4)
                .data(300, flow("10.0.0.1", "10.0.0.2", 1, 2, 6, 2, 1, 40, 900, 900)).build(), NOW);
        Decoding.Got r = d.take().get(0);
        assertEquals(64, r.rate());
        assertEquals(64, r.packets());
    }
}
