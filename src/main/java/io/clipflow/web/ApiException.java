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
