package org.vaadin.addons.livesync.demo;

import java.security.Principal;

import org.springframework.context.ApplicationContext;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.vaadin.addons.livesync.demo.security.DemoUsers;

import com.github.mvysny.fakeservlet.FakeHttpSession;
import com.github.mvysny.fakeservlet.FakeRequest;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.Routes;
import com.github.mvysny.kaributesting.v10.mock.MockVaadinHelper;
import com.github.mvysny.kaributesting.v10.mock.MockVaadinSession;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.function.DeploymentConfiguration;
import com.vaadin.flow.server.ServiceException;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinServletContext;
import com.vaadin.flow.server.VaadinServletService;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.spring.SpringServlet;
import com.vaadin.flow.spring.SpringVaadinServletService;

import jakarta.servlet.ServletException;

/**
 * Karibu-Testing on the demo's Spring context, for karibu-testing-v24 2.6.2 with vaadin-spring 25
 * (karibu-testing-v10-spring does not resolve here): a {@link SpringServlet} whose service hands out
 * Karibu's mock sessions, so views get their beans from Spring and the application's
 * {@code VaadinServiceInitListener}s (LiveSync's installer, Vaadin's navigation access control) run;
 * and fake requests whose user is the one in Spring Security's context, as the security filter would
 * make it.
 */
final class KaribuSpring {

    private KaribuSpring() {
    }

    /** Sets up Vaadin with the demo's routes; nobody is signed in. */
    static void setup(ApplicationContext context) {
        MockVaadin.setMockRequestFactory(KaribuSpring::request);
        Routes routes = new Routes().autoDiscoverViews("org.vaadin.addons.livesync.demo");
        MockVaadin.setup(UI::new, new Servlet(routes, context));
    }

    static void tearDown() {
        MockVaadin.tearDown();
        SecurityContextHolder.clearContext();
    }

    /** Signs {@code user} in (password not checked), as the login form would. */
    static void signIn(String user) {
        DemoUsers users = new DemoUsers();
        var details = users.loadUserByUsername(user);
        SecurityContextHolder.getContext().setAuthentication(
                UsernamePasswordAuthenticationToken.authenticated(user, null, details.getAuthorities()));
    }

    private static FakeRequest request(FakeHttpSession session) {
        AuthenticationTrustResolverImpl trust = new AuthenticationTrustResolverImpl();
        FakeRequest request = new FakeRequest(session) {
            @Override
            public Principal getUserPrincipal() {
                Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
                return authentication == null || trust.isAnonymous(authentication) ? null : authentication;
            }
        };
        request.setUserInRole((principal, role) -> principal instanceof Authentication authentication
                && authentication.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_" + role)));
        return request;
    }

    private static final class Servlet extends SpringServlet {
        private final transient Routes routes;
        private final transient ApplicationContext context;

        Servlet(Routes routes, ApplicationContext context) {
            super(context, false);
            this.routes = routes;
            this.context = context;
        }

        @Override
        protected DeploymentConfiguration createDeploymentConfiguration() throws ServletException {
            MockVaadinHelper.mockFlowBuildInfo(this);
            return super.createDeploymentConfiguration();
        }

        @Override
        protected VaadinServletService createServletService(DeploymentConfiguration configuration)
                throws ServiceException {
            VaadinServletService service = new SpringVaadinServletService(this, configuration, context) {
                @Override
                protected boolean isAtmosphereAvailable() {
                    return false;
                }

                @Override
                public String getMainDivId(VaadinSession session, VaadinRequest request) {
                    return "ROOT-1";
                }

                @Override
                protected VaadinSession createVaadinSession(VaadinRequest request) {
                    return new MockVaadinSession(this, UI::new);
                }
            };
            service.init();
            routes.register((VaadinServletContext) service.getContext());
            return service;
        }
    }
}
