package org.vaadin.addons.livesync.testing;

import java.security.Principal;

import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

import com.github.mvysny.fakeservlet.FakeHttpSession;
import com.github.mvysny.fakeservlet.FakeRequest;

/**
 * Karibu's fake requests as Spring Security's filter would leave them: the principal and roles of
 * the authentication in {@link SecurityContextHolder}, none for an anonymous one. Loaded only when
 * Spring Security is on the class path. Stateless.
 */
final class SpringSecurityRequests {

    private static final AuthenticationTrustResolverImpl TRUST = new AuthenticationTrustResolverImpl();

    private SpringSecurityRequests() {
    }

    static FakeRequest request(FakeHttpSession session) {
        FakeRequest request = new FakeRequest(session) {
            @Override
            public Principal getUserPrincipal() {
                Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
                return authentication == null || TRUST.isAnonymous(authentication) ? null : authentication;
            }
        };
        request.setUserInRole((principal, role) -> principal instanceof Authentication authentication
                && authentication.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_" + role)));
        return request;
    }
}
