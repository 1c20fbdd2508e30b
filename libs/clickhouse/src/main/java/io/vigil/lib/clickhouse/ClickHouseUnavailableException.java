package io.vigil.lib.clickhouse;

/** ClickHouse did not answer or refused a request; callers retry or report, never drop data. */
public class ClickHouseUnavailableException extends RuntimeException {

    public ClickHouseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
