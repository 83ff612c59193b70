package io.clipflow.web;

import org.springframework.http.HttpStatus;

/** A refusal with the status and JSON error body the client should see. */
public class ApiException extends RuntimeException {
    private final HttpStatus status;
    private final String error;

    public ApiException(HttpStatus status, String error, String detail) {
        super(detail);
        this.status = status;
        this.error = error;
    }

    /** The most items one page of a list endpoint holds. */
    public static final int MAX_PAGE_SIZE = 100;

    /** Refuses a page number below 0 or a page size outside 1..{@value #MAX_PAGE_SIZE}. */
    public static void checkPage(int page, int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST, "bad request", "page must be >= 0 and size between 1 and " + MAX_PAGE_SIZE);
        }
    }

    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, "not found", what + " does not exist");
    }

    public HttpStatus status() {
        return status;
    }

    public String error() {
        return error;
    }
}
