package io.vigil.sensor.capture;

/**
 * Holds a replay to its own timeline ({@code --speed realtime}): each time is due as long after the first one as it was
 * in the source, and the caller waits until then. Shared by captures (packet times) and Zeek conn logs (flow ends).
 */
public final class Pacer {

    private final long stepNanos;
    private final Runnable whileWaiting;
    private long baseMicros = Long.MIN_VALUE;
    private long baseNanos;

    /** @param whileWaiting run at least every {@code stepNanos} while waiting (progress reports) */
    public Pacer(long stepNanos, Runnable whileWaiting) {
        this.stepNanos = stepNanos;
        this.whileWaiting = whileWaiting;
    }

    /** Returns once {@code micros} is due; the first call sets the timeline's start and returns at once. */
    public void pace(long micros) {
        if (baseMicros == Long.MIN_VALUE) {
            baseMicros = micros;
            baseNanos = System.nanoTime();
            return;
        }
        long wait = baseNanos + (micros - baseMicros) * 1000 - System.nanoTime();
        while (wait > 0) {
            try {
                long step = Math.min(wait, stepNanos);
                Thread.sleep(step / 1_000_000, (int) (step % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            whileWaiting.run();
            wait = baseNanos + (micros - baseMicros) * 1000 - System.nanoTime();
        }
    }
}
