package io.clipflow.security;

import io.clipflow.web.PageActions;
import io.clipflow.web.PageNotFoundException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The dashboard's users and tokens (ADMIN acts, VIEWER reads; see SecurityConfig): create a user with a role and a
 * password (generated when none is typed), reset a password, issue and revoke tokens. A new password or token is shown
 * once, on the page after the action, and never again.
 */
@Controller
class UserPages {

    private final TokenService tokens;
    private final Passwords passwords;
    private final Accounts accounts;

    UserPages(TokenService tokens, Passwords passwords, Accounts accounts) {
        this.tokens = tokens;
        this.passwords = passwords;
        this.accounts = accounts;
    }

    @GetMapping("/ui/users")
    String users(Model model) {
        Map<Long, List<TokenService.TokenInfo>> byUser = new LinkedHashMap<>();
        List<TokenService.UserInfo> all = tokens.users();
        all.forEach(u -> byUser.put(u.id(), tokens.tokensOf(u.id())));
        model.addAttribute("users", all);
        model.addAttribute("tokens", byUser);
        model.addAttribute("roles", Role.values());
        return "users";
    }

    @PostMapping("/ui/users")
    String create(
            @RequestParam String username,
            @RequestParam(defaultValue = "USER") Role role,
            @RequestParam(defaultValue = "") String password,
            RedirectAttributes flash) {
        if (!username.matches("[A-Za-z0-9_.@-]{1,100}")) {
            flash.addFlashAttribute("problem", "A user name has 1 to 100 letters, digits or _ . @ -.");
            return "redirect:/ui/users";
        }
        String chosen = password.isEmpty() ? passwords.generate() : password;
        if (!PageActions.run(flash, () -> accounts.create(username, role, chosen))) {
            return "redirect:/ui/users";
        }
        flash.addFlashAttribute("notice", "Created " + role + " " + username + ".");
        if (password.isEmpty()) {
            flash.addFlashAttribute("secretLabel", "Password of " + username + " (shown once)");
            flash.addFlashAttribute("secret", chosen);
        }
        return "redirect:/ui/users";
    }

    @PostMapping("/ui/users/{id}/password")
    String resetPassword(@PathVariable long id, RedirectAttributes flash) {
        ClipflowUser user = existing(id);
        String password = passwords.generate();
        passwords.set(id, password);
        flash.addFlashAttribute("notice", "New password for " + user.username() + ".");
        flash.addFlashAttribute("secretLabel", "Password of " + user.username() + " (shown once)");
        flash.addFlashAttribute("secret", password);
        return "redirect:/ui/users";
    }

    @PostMapping("/ui/users/{id}/tokens")
    String issue(
            @PathVariable long id, @RequestParam(defaultValue = "dashboard") String name, RedirectAttributes flash) {
        ClipflowUser user = existing(id);
        String label = name.matches("[\\p{L}\\p{N} _.@-]{1,100}") ? name : "dashboard";
        TokenService.IssuedToken issued = tokens.issue(id, label);
        flash.addFlashAttribute("notice", "Issued token " + label + " for " + user.username() + ".");
        flash.addFlashAttribute("secretLabel", "Token of " + user.username() + " (shown once)");
        flash.addFlashAttribute("secret", issued.token());
        return "redirect:/ui/users";
    }

    @PostMapping("/ui/users/{id}/tokens/{tokenId}/revoke")
    String revoke(@PathVariable long id, @PathVariable long tokenId, RedirectAttributes flash) {
        existing(id);
        if (tokens.revoke(id, tokenId)) {
            flash.addFlashAttribute("notice", "Token " + tokenId + " revoked.");
        } else {
            flash.addFlashAttribute("problem", "Token " + tokenId + " is not this user's, or is revoked already.");
        }
        return "redirect:/ui/users";
    }

    private ClipflowUser existing(long id) {
        return tokens.findUser(id).orElseThrow(() -> new PageNotFoundException("user " + id));
    }
}
