package io.clipflow.web;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error is JSON {@code {"error", "detail"}} with a fitting status: no HTML page, no stack trace, no internal path.
 * Also replaces Spring Boot's /error page, which would otherwise answer browsers with HTML.
 */
@RestControllerAdvice
@RestController
class ApiErrors implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    static ResponseEntity<Map<String, Object>> body(HttpStatusCode status, String error, String detail) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("detail", detail);
        return ResponseEntity.status(status).body(body);
    }

    @ExceptionHandler(ApiException.class)
    ResponseEntity<Map<String, Object>> api(ApiException e) {
        return body(e.status(), e.error(), e.getMessage());
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<Map<String, Object>> tooLarge(MaxUploadSizeExceededException e) {
        // Spring reports every multipart size failure this way (with -1); part headers over Tomcat's limit are a
        // malformed request (e.g. a file name of thousands of characters), not a large upload
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null
                    && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("header")) {
                return body(HttpStatus.BAD_REQUEST, "bad request", "a multipart part's headers are too long");
            }
        }
        return body(
                HttpStatus.PAYLOAD_TOO_LARGE,
                "upload too large",
                e.getMaxUploadSize() > 0
                        ? "the upload exceeds the limit of " + e.getMaxUploadSize() + " bytes"
                        : "the upload exceeds the size limit");
    }

    @ExceptionHandler(MissingServletRequestPartException.class)
    ResponseEntity<Map<String, Object>> missingPart(MissingServletRequestPartException e) {
        return body(HttpStatus.BAD_REQUEST, "bad request", "missing multipart part '" + e.getRequestPartName() + "'");
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Map<String, Object>> multipart(MultipartException e) {
        if (e.getCause() != null
                && e.getCause().getMessage() != null
                && e.getCause().getMessage().contains("exceeds its maximum permitted size")) {
            return body(HttpStatus.PAYLOAD_TOO_LARGE, "upload too large", "the upload exceeds the size limit");
        }
        return body(HttpStatus.BAD_REQUEST, "bad request", "not a readable multipart/form-data request");
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        return body(HttpStatus.BAD_REQUEST, "bad request", "the request body is not valid JSON of the expected shape");
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<Map<String, Object>> invalid(MethodArgumentNotValidException e) {
        String detail = e.getBindingResult().getFieldErrors().stream()
                .map(f -> f.getField() + ": " + f.getDefaultMessage())
                .sorted()
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid request");
        return body(HttpStatus.BAD_REQUEST, "bad request", detail);
    }

    @ExceptionHandler({
        MethodArgumentTypeMismatchException.class,
        MissingServletRequestParameterException.class,
        IllegalArgumentException.class
    })
    ResponseEntity<Map<String, Object>> badArgument(Exception e) {
        // an IllegalArgumentException may come from deep inside (paths, codecs): its message is logged, not sent
        String detail = e instanceof MethodArgumentTypeMismatchException m
                ? "parameter '" + m.getName() + "' has the wrong type"
                : e instanceof MissingServletRequestParameterException p
                        ? "missing parameter '" + p.getParameterName() + "'"
                        : "the request has an invalid value";
        if (e instanceof IllegalArgumentException) {
            log.debug("bad request: {}", e.getMessage());
        }
        return body(HttpStatus.BAD_REQUEST, "bad request", detail);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<Map<String, Object>> mediaType(HttpMediaTypeNotSupportedException e) {
        return body(
                HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported media type", "expected " + e.getSupportedMediaTypes());
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<Map<String, Object>> method(HttpRequestMethodNotSupportedException e) {
        return body(HttpStatus.METHOD_NOT_ALLOWED, "method not allowed", e.getMethod() + " is not supported here");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<Map<String, Object>> noResource(NoResourceFoundException e) {
        return body(HttpStatus.NOT_FOUND, "not found", "no such endpoint");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> unexpected(Exception e) {
        log.error("unexpected error", e);
        return body(HttpStatus.INTERNAL_SERVER_ERROR, "internal error", "the server could not complete the request");
    }

    @RequestMapping("/error")
    ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        Object code = request.getAttribute("jakarta.servlet.error.status_code");
        HttpStatus status = code instanceof Integer i && HttpStatus.resolve(i) != null
                ? HttpStatus.resolve(i)
                : HttpStatus.INTERNAL_SERVER_ERROR;
        return body(
                status,
                status.getReasonPhrase().toLowerCase(java.util.Locale.ROOT),
                status.is4xxClientError() ? "the request was refused" : "the server could not complete the request");
    }
}
