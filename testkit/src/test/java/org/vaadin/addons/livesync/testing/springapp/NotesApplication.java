package org.vaadin.addons.livesync.testing.springapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.vaadin.addons.livesync.testing.Note;

/** A Spring Boot application with Vaadin, JPA and LiveSync: what {@link SpringKaribuTest} runs. */
@SpringBootApplication
@EntityScan(basePackageClasses = Note.class)
public class NotesApplication {
}
