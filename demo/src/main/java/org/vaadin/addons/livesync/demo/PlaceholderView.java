package org.vaadin.addons.livesync.demo;

import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Route;

/** Placeholder until the task board lands. */
@Route("")
public class PlaceholderView extends VerticalLayout {

    public PlaceholderView() {
        add(new H1("LiveSync for Vaadin"), new Paragraph("The live task board demo is on its way."));
    }
}
