package org.vaadin.addons.livesync.demo.security;

import java.util.Map;
import java.util.Optional;

import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;

/**
 * The demo's users and their organizations, in memory: {@code alice} and {@code carol} in
 * organization 1, {@code bob} in organization 2, and {@code operator} in organization 1, who also has
 * the role {@value #OPERATOR} (the outside writer, the health's details, the Prometheus scrape, why
 * changes do not flow); each password equals the user name. Every user has the role {@code USER}.
 * Thread-safe.
 */
public final class DemoUsers implements UserDetailsService {

    /** The role (without Spring's {@code ROLE_} prefix) of whoever runs the demo: see the class comment. */
    public static final String OPERATOR = "OPERATOR";

    private static final Map<String, Long> ORGANIZATIONS = Map.of("alice", 1L, "carol", 1L, "bob", 2L, "operator", 1L);

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
        String[] roles = username.equals("operator") ? new String[] {"USER", OPERATOR} : new String[] {"USER"};
        return User.withUsername(username).password("{noop}" + username).roles(roles).build();
    }
}
