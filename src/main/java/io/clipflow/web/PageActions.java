package io.clipflow.web;

import org.springframework.http.HttpStatus;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** How a dashboard form's action reports a refusal: on the page it redirects to, not as the API's JSON. */
public final class PageActions {

    private PageActions() {}

    /**
     * Runs an action; a refusal the API would answer 4xx or 503 becomes the next page's problem line, and a 404 the 404
     * page.
     *
     * @return whether the action went through
     */
    public static boolean run(RedirectAttributes flash, Runnable action) {
        try {
            action.run();
            return true;
        } catch (ApiException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                throw new PageNotFoundException(e.getMessage());
            }
            flash.addFlashAttribute("problem", e.getMessage());
            return false;
        }
    }
}
