package org.vaadin.addons.livesync.testing;

import java.util.Arrays;

import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * Signs a user in for {@link SpringKaribu}'s requests, as a login form would (no password is
 * checked): the authentication goes into {@link SecurityContextHolder}, where the fake requests and
 * the application's {@code AuthenticationContext} read it. Sign in before {@code SpringKaribu.setup}
 * or before navigating; {@link SpringKaribu#tearDown()} signs out. Needs Spring Security; the
 * security context is the test thread's. Stateless.
 */
public final class KaribuSecurity {

    private KaribuSecurity() {
    }

    /**
     * Signs in the user as the application's {@code UserDetailsService} describes them.
     *
     * @param user the user, with the authorities the application gave them
     */
    public static void signIn(UserDetails user) {
        SecurityContextHolder.getContext().setAuthentication(
                UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities()));
    }

    /**
     * Signs in a user by name with these roles ({@code "USER"} becomes the authority {@code ROLE_USER}).
     *
     * @param username the user's name, the principal's {@code getName()}
     * @param roles    the user's roles, without the {@code ROLE_} prefix
     */
    public static void signIn(String username, String... roles) {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                username, null, Arrays.stream(roles).map(role -> new SimpleGrantedAuthority("ROLE_" + role)).toList()));
    }

    /** Signs the user out (clears this thread's security context). */
    public static void signOut() {
        SecurityContextHolder.clearContext();
    }
}
