package io.vigil.detection.family.reconnaissance;

/**
 * Threshold Random Walk (Jung, Paxson, Berger, Balakrishnan, IEEE S&amp;P 2004): a sequential hypothesis test per
 * source over its first contacts with distinct targets. H0: benign, a contact succeeds with probability θ0; H1: a
 * scanner, a contact succeeds with probability θ1. The likelihood ratio Λ = P(Y|H1)/P(Y|H0) is multiplied by
 * (1-θ1)/(1-θ0) on a failure and by θ1/θ0 on a success; the walk decides H1 (scanner) at Λ ≥ η1 = β/α and H0 at
 * Λ ≤ η0 = (1-β)/(1-α). With θ0=0.8, θ1=0.2, α=0.01, β=0.99: a failure multiplies by 4, a success by 1/4,
 * η1 = 99 and η0 ≈ 0.0101, so 4 failures in a row decide (4⁴ = 256 ≥ 99 while 4³ = 64 is not), and so do 4
 * successes the other way. Like the paper's online version, a benign decision restarts the walk, so a host that
 * turns into a scanner later is still caught.
 */
public final class Trw {

    public static final double THETA0 = 0.8;
    public static final double THETA1 = 0.2;
    public static final double ALPHA = 0.01;
    public static final double BETA = 0.99;
    public static final double ETA1 = BETA / ALPHA;
    public static final double ETA0 = (1 - BETA) / (1 - ALPHA);
    public static final double FAILURE_FACTOR = (1 - THETA1) / (1 - THETA0);
    public static final double SUCCESS_FACTOR = THETA1 / THETA0;
    /** Failures in a row that decide from a fresh start: 4. */
    public static final int FAILURES_TO_DECIDE = (int) Math.ceil(Math.log(ETA1) / Math.log(FAILURE_FACTOR) - 1e-12);

    private static final double LOG_ETA1 = Math.log(ETA1);
    private static final double LOG_ETA0 = Math.log(ETA0);
    private static final double LOG_FAIL = Math.log(FAILURE_FACTOR);
    private static final double LOG_SUCCESS = Math.log(SUCCESS_FACTOR);

    private double logRatio;
    private int observations;
    private int failures;
    private int observationsAtDecision;
    private int failuresAtDecision;
    private boolean scanner;

    public enum Decision { PENDING, BENIGN, SCANNER }

    /** Adds one first contact with a distinct target; returns the state after it. */
    public Decision observe(boolean success) {
        observations++;
        if (!success) {
            failures++;
        }
        if (scanner) {
            return Decision.SCANNER;
        }
        // Logs, so a long run of failures cannot overflow; a tiny epsilon keeps 4^4 vs 99 exact in floating point.
        logRatio += success ? LOG_SUCCESS : LOG_FAIL;
        if (logRatio >= LOG_ETA1 - 1e-12) {
            scanner = true;
            observationsAtDecision = observations;
            failuresAtDecision = failures;
            return Decision.SCANNER;
        }
        if (logRatio <= LOG_ETA0 + 1e-12) {
            logRatio = 0;
            return Decision.BENIGN;
        }
        return Decision.PENDING;
    }

    public boolean scanner() {
        return scanner;
    }

    /** The likelihood ratio now (1 at the start and after each benign decision). */
    public double ratio() {
        return Math.exp(logRatio);
    }

    /** Failed contacts seen up to the scanner decision (0 while undecided): "alerted after N failed probes". */
    public int failuresAtDecision() {
        return failuresAtDecision;
    }

    public int observationsAtDecision() {
        return observationsAtDecision;
    }

    public int observations() {
        return observations;
    }
}
