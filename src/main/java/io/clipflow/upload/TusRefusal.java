package io.clipflow.upload;

/**
 * A tus request refused with a status the protocol names, some of which HTTP does not (460 checksum mismatch), so it
 * cannot be an {@link io.clipflow.web.ApiException}; answered as the API's JSON error by {@link TusController}.
 */
class TusRefusal extends RuntimeException {

    static final int CHECKSUM_MISMATCH = 460;

    private final int status;
    private final String error;

    TusRefusal(int status, String error, String detail) {
        super(detail);
        this.status = status;
        this.error = error;
    }

    int status() {
        return status;
    }

    String error() {
        return error;
    }
}
