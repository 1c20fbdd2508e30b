package io.vigil.lib.api.params;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import java.lang.annotation.Annotation;

/** The name a converted parameter has on the wire, for its error: a query, path or header parameter's. */
final class ParamName {

    private ParamName() {
    }

    static String of(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (a instanceof QueryParam q) {
                return q.value();
            }
            if (a instanceof PathParam p) {
                return p.value();
            }
            if (a instanceof HeaderParam h) {
                return h.value();
            }
        }
        return "a parameter";
    }
}
