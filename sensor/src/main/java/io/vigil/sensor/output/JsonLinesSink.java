package io.vigil.sensor.output;

import io.vigil.sensor.meter.FlowSink;
import io.vigil.sensor.meter.MeteredFlow;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** Writes each flow as one JSON line (buffered: stdout may receive millions of them). */
public final class JsonLinesSink implements FlowSink, AutoCloseable {

    private final Writer out;
    private final FlowJson.Dialect dialect;

    public JsonLinesSink(OutputStream out, FlowJson.Dialect dialect) {
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        this.dialect = dialect;
    }

    @Override
    public void accept(MeteredFlow flow) {
        try {
            out.write(FlowJson.toJson(FlowProtos.toProto(flow), dialect));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("writing flows", e);
        }
    }

    @Override
    public void close() throws IOException {
        out.flush();
    }
}
