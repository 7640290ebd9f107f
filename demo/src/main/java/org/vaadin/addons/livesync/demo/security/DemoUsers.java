package org.vaadin.addons.livesync.demo.security;

import java.util.Map;
import java.util.Optional;

import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * The demo's users and their organizations, in memory: {@code alice} and {@code carol} in
 * organization 1, {@code bob} in organization 2; each password equals the user name. Thread-safe.
 */
public final class DemoUsers implements UserDetailsService {

    private static final Map<String, Long> ORGANIZATIONS = Map.of("alice", 1L, "carol", 1L, "bob", 2L);

    /** The organization of a user, if the user exists. */
    public static Optional<Long> organizationOf(String username) {
        return Optional.ofNullable(username).map(ORGANIZATIONS::get);
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        if (!ORGANIZATIONS.containsKey(username)) {
            throw new UsernameNotFoundException(username);
        }
        // A new instance every time: Spring Security erases the credentials of the one it authenticates.
        // {noop}: demo passwords, stored as they are.
        return User.withUsername(username).password("{noop}" + username).roles("USER").build();
    }
}
