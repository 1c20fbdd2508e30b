package io.vigil.detection.notify.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import io.vigil.detection.notify.Delivery;
import io.vigil.detection.notify.DeliveryStatus;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** A destination's delivery log, read only after the destination proved visible to the caller. */
@ApplicationScoped
public class DeliveryRepository implements PanacheRepositoryBase<Delivery, String> {

    /** Up to {@code limit} deliveries of a visible destination older than {@code beforeSeq}, newest first. */
    public Uni<List<Delivery>> page(String destinationId, Long beforeSeq, DeliveryStatus status, int limit) {
        StringBuilder q = new StringBuilder("from Delivery d where d.destinationId = :destination");
        Parameters p = Parameters.with("destination", destinationId);
        if (beforeSeq != null) {
            q.append(" and d.seq < :before");
            p.and("before", beforeSeq);
        }
        if (status != null) {
            q.append(" and d.status = :status");
            p.and("status", status);
        }
        return find(q.append(" order by d.seq desc").toString(), p).page(0, limit).list();
    }
}
