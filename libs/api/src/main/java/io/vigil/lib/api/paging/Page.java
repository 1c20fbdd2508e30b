package io.vigil.lib.api.paging;

import java.util.List;

/**
 * One page of a list.
 *
 * @param items      the rows, in key order
 * @param nextCursor pass as ?cursor= for the next page; null on the last page
 */
public record Page<T>(List<T> items, String nextCursor) {
}
