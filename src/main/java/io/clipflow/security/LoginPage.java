package io.clipflow.security;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** {@code GET /login}: the dashboard's sign-in form (the form is posted to Spring Security's own /login). */
@Controller
class LoginPage {

    @GetMapping("/login")
    String login(
            Authentication auth,
            @RequestParam(required = false) String error,
            @RequestParam(required = false) String throttled,
            @RequestParam(name = "signed-out", required = false) String signedOut,
            Model model) {
        if (auth != null && auth.isAuthenticated() && !(auth instanceof AnonymousAuthenticationToken)) {
            return "redirect:/ui";
        }
        if (throttled != null) {
            model.addAttribute(
                    "problem", "Too many failed sign-ins for this user or from this address. Wait a few minutes.");
        } else if (error != null) {
            model.addAttribute("problem", "Wrong user name or password.");
        } else if (signedOut != null) {
            model.addAttribute("notice", "You are signed out.");
        }
        return "login";
    }
}
