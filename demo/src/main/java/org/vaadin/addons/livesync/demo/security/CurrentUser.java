package org.vaadin.addons.livesync.demo.security;

import org.springframework.stereotype.Component;

import com.vaadin.flow.spring.security.AuthenticationContext;

/**
 * The signed-in user of the current request, as the server knows it: views take their subscription
 * value (the organization) from here, never from the browser.
 */
@Component
public class CurrentUser {

    private final AuthenticationContext authentication;

    CurrentUser(AuthenticationContext authentication) {
        this.authentication = authentication;
    }

    public String name() {
        return authentication.getPrincipalName()
                .orElseThrow(() -> new IllegalStateException("Nobody is signed in"));
    }

    /** The organization whose tasks the user sees. */
    public long organizationId() {
        String name = name();
        return DemoUsers.organizationOf(name)
                .orElseThrow(() -> new IllegalStateException("The user " + name + " belongs to no organization"));
    }

    /** Whether the user has the role {@value DemoUsers#OPERATOR}: the outside writer and the diagnostics. */
    public boolean isOperator() {
        return authentication.hasRole(DemoUsers.OPERATOR);
    }

    public void logout() {
        authentication.logout();
    }
}
