package io.vigil.detection.alert;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An analyst's note on an alert ("this is the new backup server"): the triage trail next to the evidence. */
@Entity
@Table(name = "alert_comments")
public class AlertComment {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long seq;

    @Column(name = "alert_id", nullable = false)
    public String alertId;

    @Column(name = "customer_id", nullable = false)
    public String customerId;

    @Column(name = "msp_id")
    public String mspId;

    @Column(nullable = false)
    public String author;

    @Column(nullable = false)
    public String body;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
