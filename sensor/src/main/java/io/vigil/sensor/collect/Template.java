package io.vigil.sensor.collect;

import java.util.Arrays;

/**
 * One (options) template as an exporter defined it: the fields of its data records in order. NetFlow v9 field types
 * and IPFIX information element numbers coincide for everything the collector reads, so one shape serves both.
 */
final class Template {

    /** An IPFIX field length meaning "variable": each record says its own (RFC 7011 §7). */
    static final int VARIABLE = 65535;
    /** Enterprise number of the RFC 5103 reverse information elements (biflows). */
    static final long REVERSE_PEN = 29305;
    /** Templates with more fields are refused: real exporters send dozens, and each costs memory held for hours. */
    static final int MAX_FIELDS = 512;

    final int id;
    final boolean options;
    /** Options templates: the first {@code scopeCount} fields are scope fields. */
    final int scopeCount;
    /** Field type / information element number, enterprise bit cleared. */
    final int[] types;
    final int[] lengths;
    /** Private enterprise number per field; 0 for IANA's. */
    final long[] enterprises;
    /** Per field, what the decoder does with it ({@link RecordDecoder#codes}). */
    final int[] codes;
    /** Length of a record when every variable-length field is empty: records are read while this many bytes remain. */
    final int minRecordLength;
    /**
     * Length of every record when no field is variable-length, else -1. Such a template's records are read through
     * {@link #readOffsets}: only the fields the decoder reads, at offsets worked out once, with one bounds check per
     * record instead of one per field.
     */
    final int fixedLength;
    /** The fields with a non-zero {@link #codes} entry: their codes, offsets in the record and lengths. */
    final int[] readCodes;
    final int[] readOffsets;
    final int[] readLengths;
    /** Wall time of the last definition or refresh, ms; the template expires a lifetime after it. */
    long refreshedMs;

    Template(int id, boolean options, int scopeCount, int[] types, int[] lengths, long[] enterprises) {
        this.id = id;
        this.options = options;
        this.scopeCount = scopeCount;
        this.types = types;
        this.lengths = lengths;
        this.enterprises = enterprises;
        this.codes = RecordDecoder.codes(types, enterprises);
        int min = 0;
        for (int length : lengths) {
            min += length == VARIABLE ? 1 : length;
        }
        this.minRecordLength = min;
        int read = 0;
        boolean variable = false;
        for (int i = 0; i < lengths.length; i++) {
            read += codes[i] != 0 ? 1 : 0;
            variable |= lengths[i] == VARIABLE;
        }
        this.fixedLength = variable ? -1 : min;
        this.readCodes = new int[read];
        this.readOffsets = new int[read];
        this.readLengths = new int[read];
        for (int i = 0, k = 0, offset = 0; i < lengths.length; offset += lengths[i], i++) {
            if (codes[i] != 0) {
                readCodes[k] = codes[i];
                readOffsets[k] = offset;
                readLengths[k] = lengths[i];
                k++;
            }
        }
    }

    /** Heap this template holds, roughly: what the template budget charges for it. */
    int cost() {
        return 96 + types.length * 20 + readCodes.length * 12;
    }

    /** Same definition (a refresh rather than a change). */
    boolean sameAs(Template o) {
        return o.options == options && o.scopeCount == scopeCount && Arrays.equals(o.types, types)
                && Arrays.equals(o.lengths, lengths) && Arrays.equals(o.enterprises, enterprises);
    }
}
