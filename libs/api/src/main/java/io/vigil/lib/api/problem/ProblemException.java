package io.vigil.lib.api.problem;

import java.util.List;

/** An error the API answers deliberately, with its problem type; the mapper turns it into problem+json. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(int status, String type, String title, String detail) {
        this(new Problem(Problem.BASE + type, title, status, detail, null));
    }

    public ProblemException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** Also for resources of another tenant, so their existence does not leak. */
    public static ProblemException notFound(String what, String id) {
        return new ProblemException(404, "not-found", "Not found", what + " " + id + " does not exist");
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", "Forbidden", detail);
    }

    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "validation", "Invalid request", detail);
    }

    public static ProblemException badRequest(String detail, List<Problem.FieldError> errors) {
        return new ProblemException(new Problem(Problem.BASE + "validation", "Invalid request", 400, detail, errors));
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "conflict", "Conflict", detail);
    }
}
