package io.clipflow.security;

import java.time.Duration;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/** The dashboard's form sign-in: throttle first, then the password; the principal is a {@link ClipflowUser}. */
class PasswordAuthenticator implements AuthenticationProvider {

    /**
     * Sign-ins for this name or from this address are refused for {@code retryAfter}. An account-status refusal (a
     * temporary lock), so Spring Security's ProviderManager ends the sign-in with it instead of asking other
     * providers, whose "bad credentials" would hide it.
     */
    static final class Throttled extends LockedException {
        final Duration retryAfter;

        Throttled(Duration retryAfter) {
            super("too many failed sign-ins");
            this.retryAfter = retryAfter;
        }
    }

    private final Passwords passwords;
    private final LoginThrottle throttle;

    PasswordAuthenticator(Passwords passwords, LoginThrottle throttle) {
        this.passwords = passwords;
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication request) {
        String username = request.getName();
        String address = request.getDetails() instanceof WebAuthenticationDetails d ? d.getRemoteAddress() : null;
        var refusal = throttle.refusal(username, address);
        if (refusal.isPresent()) {
            throw new Throttled(refusal.get());
        }
        String raw = request.getCredentials() == null
                ? null
                : request.getCredentials().toString();
        return passwords
                .verify(username, raw)
                .map(user -> {
                    throttle.succeeded(username);
                    return UsernamePasswordAuthenticationToken.authenticated(user, null, user.authorities());
                })
                .orElseThrow(() -> {
                    throttle.failed(username, address);
                    return new BadCredentialsException("wrong user name or password");
                });
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
