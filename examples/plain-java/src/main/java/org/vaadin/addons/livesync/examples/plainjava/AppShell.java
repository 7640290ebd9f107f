package org.vaadin.addons.livesync.examples.plainjava;

import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.theme.lumo.Lumo;

/** Server push on, so that committed changes show at once; Lumo's styles. */
@Push
@StyleSheet(Lumo.STYLESHEET)
public class AppShell implements AppShellConfigurator {
}
