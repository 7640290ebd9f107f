package org.vaadin.addons.livesync.demo.security;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;

/** Sign-in: Vaadin's LoginForm posting {@code username} and {@code password} to Spring Security. */
@Route("login")
@PageTitle("Sign in · LiveSync demo")
@AnonymousAllowed
public class LoginView extends Main implements BeforeEnterObserver {

    private final LoginForm form = new LoginForm();

    public LoginView() {
        addClassName("login-view");
        form.setAction("login");
        form.setForgotPasswordButtonVisible(false);
        Div intro = new Div(new H1("LiveSync task board"),
                new Paragraph("Every committed change to the task table shows up here at once, in every "
                        + "signed-in browser of the same organization."),
                new Paragraph("Sign in as alice / alice or carol / carol (Acme), or bob / bob (Globex); "
                        + "operator / operator (Acme) also runs the outside writer and sees the diagnostics."));
        intro.addClassName("login-intro");
        add(intro, form);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        form.setError(event.getLocation().getQueryParameters().getParameters().containsKey("error"));
    }
}
