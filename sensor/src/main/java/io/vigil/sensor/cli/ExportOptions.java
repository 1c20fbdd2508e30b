package io.vigil.sensor.cli;

import picocli.CommandLine.Option;

/** Where to export: overrides {@code ingest.address} / {@code ingest.tls} of sensor.properties. */
public final class ExportOptions {

    @Option(names = "--ingest", paramLabel = "HOST:PORT",
            description = "Vigil ingest's gRPC address (ingest.address; default: the address stored at enrollment, "
                    + "else 127.0.0.1:18090).")
    String ingest;

    @Option(names = "--tls", negatable = true,
            description = "TLS to ingest (ingest.tls, default false; the CA file is ingest.ca-file, else the system's).")
    Boolean tls;
}
