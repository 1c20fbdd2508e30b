package io.vigil.sensor.meter;

import java.util.Locale;

/**
 * Which copy wins when two IP fragments of one datagram carry the same bytes: the target-based policies Suricata
 * offers (its defrag {@code policy} setting), named after the operating systems whose reassembly they imitate.
 *
 * <p>Each rule compares the new fragment N with a fragment E whose bytes are already held (their extents as
 * received, in bytes of the datagram). DESIGN.md ("Fragments") gives the sources and why {@link #BSD} is the default.
 */
public enum OverlapPolicy {
    /** The bytes seen first always stay. */
    FIRST,
    /** The bytes seen last always win. */
    LAST,
    /** Held bytes stay unless the new fragment starts before the held one (Suricata's default). */
    BSD,
    /** Like BSD, but a new fragment that starts at the same offset also wins. */
    LINUX,
    /** Held bytes stay unless the new fragment starts before and ends after the held one. */
    WINDOWS,
    /** Held bytes stay unless the new fragment starts before the held one and reaches at least its end. */
    SOLARIS;

    /** True when the new fragment [nStart, nEnd) replaces the overlapping bytes of the held one [eStart, eEnd). */
    boolean newWins(int nStart, int nEnd, int eStart, int eEnd) {
        return switch (this) {
            case FIRST -> false;
            case LAST -> true;
            case BSD -> nStart < eStart;
            case LINUX -> nStart <= eStart;
            case WINDOWS -> nStart < eStart && nEnd > eEnd;
            case SOLARIS -> nStart < eStart && nEnd >= eEnd;
        };
    }

    /** Parses a setting value ("bsd", "Linux"...), naming the choices when it is none of them. */
    public static OverlapPolicy parse(String what, String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": not an overlap policy (first, last, bsd, linux, windows, "
                    + "solaris): " + value);
        }
    }
}
