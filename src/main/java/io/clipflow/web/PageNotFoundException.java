package io.clipflow.web;

/** A dashboard page for something the user may not see or that does not exist: a 404 page, never a hint which. */
public class PageNotFoundException extends RuntimeException {
    public PageNotFoundException(String what) {
        super(what + " not found");
    }
}
