package io.clipflow.security;

import io.clipflow.web.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creating a user, for the API and the users page alike: the name must be free and a given password acceptable, both
 * checked before anything is written (409 and 400 otherwise).
 */
@Component
class Accounts {

    private final TokenService tokens;
    private final Passwords passwords;

    Accounts(TokenService tokens, Passwords passwords) {
        this.tokens = tokens;
        this.passwords = passwords;
    }

    /** A new user; with a {@code password} (null: none) they can sign in to the dashboard. */
    @Transactional
    ClipflowUser create(String username, Role role, String password) {
        if (tokens.findUser(username).isPresent()) {
            throw new ApiException(HttpStatus.CONFLICT, "conflict", "user " + username + " already exists");
        }
        if (password != null) {
            checked(password);
        }
        ClipflowUser user = tokens.createUser(username, role);
        if (password != null) {
            passwords.set(user.id(), password);
        }
        return user;
    }

    /** The password, when it is acceptable; a 400 naming why not otherwise. */
    static String checked(String password) {
        Passwords.problem(password).ifPresent(p -> {
            throw new ApiException(HttpStatus.BAD_REQUEST, "bad request", p);
        });
        return password;
    }
}
