package io.vigil.lib.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.ServerException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The ClickHouse servers a service may talk to (vigil.clickhouse.url, comma-separated) and the one in use: client-v2
 * always sends to its first endpoint, so moving to another node of a cluster when one stops is done here.
 */
@ApplicationScoped
public class ClickHouseEndpoints {

    private final List<String> urls;
    private final List<Client> clients;
    private final AtomicInteger current = new AtomicInteger();

    public ClickHouseEndpoints(ClickHouseConfig config, @ConfigProperty(name = "quarkus.application.name") String service) {
        this.urls = parse(config.url());
        this.clients = urls.stream().map(url -> ClickHouseClientProducer.build(url, config, service)).toList();
    }

    /** The URLs of vigil.clickhouse.url, in order; blanks between commas are ignored. */
    public static List<String> parse(String urls) {
        List<String> list = Arrays.stream(urls.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (list.isEmpty()) {
            throw new IllegalArgumentException("vigil.clickhouse.url names no server");
        }
        return list;
    }

    public List<Client> all() {
        return clients;
    }

    /** The server requests go to until it fails. */
    public Client current() {
        return clients.get(current.get());
    }

    public String currentUrl() {
        return urls.get(current.get());
    }

    /** After {@code failed} did not serve a request, move on to the next server (unless another caller already did). */
    public void failed(Client failed) {
        int i = clients.indexOf(failed);
        if (i >= 0) {
            current.compareAndSet(i, (i + 1) % clients.size());
        }
    }

    /**
     * Runs {@code call} on the current server, and on each next one while a server cannot be reached, so that one
     * stopped node costs a retry, not an error. An answer that is an error (bad SQL, a cluster DDL that timed out)
     * would be the same from every node and is thrown at once; so is the last failure once every server has failed.
     */
    public <T> T withFailover(Function<Client, T> call) {
        ClickHouseUnavailableException last = null;
        for (int attempt = 0; attempt < clients.size(); attempt++) {
            Client client = current();
            try {
                return call.apply(client);
            } catch (ClickHouseUnavailableException e) {
                if (answeredByServer(e)) {
                    throw e;
                }
                last = e;
                failed(client);
            }
        }
        throw last;
    }

    /** True if a ClickHouse server returned this error, rather than the connection failing. */
    public static boolean answeredByServer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ServerException) {
                return true;
            }
        }
        return false;
    }

    /** True if any server answers a ping within the timeout. */
    public boolean ping(long timeoutMillis) {
        for (int attempt = 0; attempt < clients.size(); attempt++) {
            Client client = current();
            if (client.ping(timeoutMillis)) {
                return true;
            }
            failed(client);
        }
        return false;
    }

    @PreDestroy
    void close() {
        clients.forEach(Client::close);
    }
}
