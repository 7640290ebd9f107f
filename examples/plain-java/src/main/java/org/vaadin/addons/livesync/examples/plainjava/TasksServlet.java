package org.vaadin.addons.livesync.examples.plainjava;

import com.vaadin.flow.server.VaadinServlet;

import jakarta.servlet.annotation.WebServlet;

/** The Vaadin application, at the context's root. */
@WebServlet(urlPatterns = "/*", asyncSupported = true)
public class TasksServlet extends VaadinServlet {
}
