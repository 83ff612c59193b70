package io.clipflow.web;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/** Dashboard pages answer a missing (or someone else's) thing with the 404 page instead of the API's JSON. */
// before ApiErrors, whose catch-all would answer it as a JSON 500
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class PageErrors {

    @ExceptionHandler(PageNotFoundException.class)
    ModelAndView notFound(PageNotFoundException e) {
        ModelAndView page = new ModelAndView("not-found");
        page.addObject("what", e.getMessage());
        page.setStatus(HttpStatus.NOT_FOUND);
        return page;
    }
}
