package org.vaadin.addons.livesync.demo.security;

import static com.vaadin.flow.spring.security.VaadinSecurityConfigurer.vaadin;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authorization.AuthenticatedAuthorizationManager;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.IpAddressAuthorizationManager;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Form login at {@code /login} through Vaadin's {@link LoginView}; every view needs a signed-in user.
 * The actuator endpoints ({@code /actuator/health}, {@code /actuator/prometheus}) answer signed-in
 * users and requests from this machine (the loopback addresses) only; anyone else is sent to the
 * login. Behind a reverse proxy on the same machine every request looks local: restrict the
 * endpoints there too, or give them a port of their own ({@code management.server.port}).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    /** A signed-in user, or a request from a loopback address. */
    private static final AuthorizationManager<RequestAuthorizationContext> SIGNED_IN_OR_LOCAL = AuthorizationManagers.anyOf(
            AuthenticatedAuthorizationManager.authenticated(),
            IpAddressAuthorizationManager.hasIpAddress("127.0.0.0/8"),
            IpAddressAuthorizationManager.hasIpAddress("::1"));

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
        // the demo's stylesheet is needed by the login page too
        http.authorizeHttpRequests(requests -> requests.requestMatchers("/styles/**").permitAll()
                .requestMatchers(EndpointRequest.toAnyEndpoint()).access(SIGNED_IN_OR_LOCAL));
        return http.with(vaadin(), vaadin -> vaadin.loginView(LoginView.class)).build();
    }

    @Bean
    UserDetailsService userDetailsService() {
        return new DemoUsers();
    }
}
