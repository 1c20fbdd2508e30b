package io.vigil.sensor.meter;

/**
 * ICMP request/reply pairs, so a request and its reply meter into one flow and hash to one Community ID.
 *
 * <p>The pairs are those of the Community ID spec (after Zeek's ICMP4_counterpart/ICMP6_counterpart). A type without
 * a counterpart is "one-way": it keys as (type, code) and the Community ID does not order its endpoints.
 */
public final class IcmpTypes {

    /** Marks "no counterpart". */
    public static final int NONE = -1;

    private IcmpTypes() {
    }

    public static int counterpart(int protocol, int type) {
        if (protocol == 1) {
            switch (type) {
                case 8: return 0;    // echo -> echo reply
                case 0: return 8;
                case 13: return 14;  // timestamp
                case 14: return 13;
                case 15: return 16;  // information
                case 16: return 15;
                case 10: return 9;   // router solicitation -> advertisement (not the reverse, as in the spec)
                case 17: return 18;  // address mask
                case 18: return 17;
                default: return NONE;
            }
        }
        switch (type) {
            case 128: return 129;    // echo
            case 129: return 128;
            case 133: return 134;    // router solicitation / advertisement
            case 134: return 133;
            case 135: return 136;    // neighbour solicitation / advertisement
            case 136: return 135;
            case 130: return 131;    // multicast listener query / report
            case 131: return 130;
            case 139: return 140;    // node information query / response
            case 140: return 139;
            case 144: return 145;    // home agent address discovery
            case 145: return 144;
            default: return NONE;
        }
    }

    /** True for the request half of a request/reply pair (echo, timestamp, solicitations, queries). */
    static boolean isRequest(int protocol, int type) {
        if (protocol == 1) {
            return type == 8 || type == 13 || type == 15 || type == 10 || type == 17;
        }
        return type == 128 || type == 133 || type == 135 || type == 130 || type == 139 || type == 144;
    }
}
