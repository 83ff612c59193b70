package io.clipflow.security;

import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code GET /login}: the dashboard's sign-in form (the form is posted to Spring Security's own /login), and a button
 * per single sign-on provider when any is configured.
 */
@Controller
class LoginPage {

    private final List<OidcSignIn.Provider> providers;

    LoginPage(ObjectProvider<ClientRegistrationRepository> registrations) {
        ClientRegistrationRepository sso = registrations.getIfAvailable();
        this.providers = sso == null ? List.of() : OidcSignIn.providers(sso);
    }

    @GetMapping("/login")
    String login(
            Authentication auth,
            @RequestParam(required = false) String error,
            @RequestParam(required = false) String throttled,
            @RequestParam(name = "signed-out", required = false) String signedOut,
            @RequestParam(name = "sso-error", required = false) String ssoError,
            Model model) {
        model.addAttribute("providers", providers);
        if (auth != null && auth.isAuthenticated() && !(auth instanceof AnonymousAuthenticationToken)) {
            return "redirect:/ui";
        }
        if (throttled != null) {
            model.addAttribute(
                    "problem", "Too many failed sign-ins for this user or from this address. Wait a few minutes.");
        } else if (ssoError != null) {
            model.addAttribute("problem", "Single sign-on did not sign you in. Try again, or use your password.");
        } else if (error != null) {
            model.addAttribute("problem", "Wrong user name or password.");
        } else if (signedOut != null) {
            model.addAttribute("notice", "You are signed out.");
        }
        return "login";
    }
}
