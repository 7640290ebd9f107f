package org.vaadin.addons.livesync.demo.security;

import static com.vaadin.flow.spring.security.VaadinSecurityConfigurer.vaadin;

import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.RequestCacheConfigurer;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Form login at {@code /login} through Vaadin's {@link LoginView}; every view needs a signed-in user.
 * The actuator endpoints have a filter chain of their own, which also takes HTTP Basic (as a scraper
 * signs in) besides the browser's session: {@code /actuator/health} answers any signed-in user, with
 * its details and components only for the role {@value DemoUsers#OPERATOR} (the
 * {@code management.endpoint.health.*} settings); {@code /actuator/prometheus} and every other
 * endpoint only that role (403 for other users); an anonymous request gets 401, also from this
 * machine. Method security is on: the outside writer refuses other users on the server.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableMethodSecurity
class SecurityConfiguration {

    @Bean
    @Order(1)
    SecurityFilterChain actuatorSecurityFilterChain(HttpSecurity http) throws Exception {
        http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(requests -> requests.requestMatchers(EndpointRequest.to("health")).authenticated()
                        .anyRequest().hasRole(DemoUsers.OPERATOR))
                .httpBasic(Customizer.withDefaults())
                // a browser asks for the credentials; never the login's redirect
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(basicChallenge()))
                .requestCache(RequestCacheConfigurer::disable); // a refused request opens no session
        return http.build();
    }

    /**
     * 401 with a Basic challenge, set as the status rather than sent as an error: an error would be
     * dispatched to {@code /error}, which the views' chain answers with the login's redirect.
     */
    private static AuthenticationEntryPoint basicChallenge() {
        return (request, response, exception) -> {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"LiveSync demo\"");
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
        };
    }

    @Bean
    SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
        // the demo's stylesheet is needed by the login page too
        http.authorizeHttpRequests(requests -> requests.requestMatchers("/styles/**").permitAll());
        return http.with(vaadin(), vaadin -> vaadin.loginView(LoginView.class)).build();
    }

    @Bean
    UserDetailsService userDetailsService() {
        return new DemoUsers();
    }
}
