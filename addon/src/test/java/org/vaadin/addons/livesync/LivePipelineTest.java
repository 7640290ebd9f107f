package org.vaadin.addons.livesync;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.opentest4j.TestAbortedException;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;

/**
 * Base of the view tests: one real pipeline ({@link LiveTestEnvironment}, REPLICA IDENTITY DEFAULT;
 * a test class annotated {@link Pipeline} chooses another) per test class, and per test an empty
 * table, a fresh Karibu UI with the pipeline installed, and a quiet pipeline.
 */
abstract class LivePipelineTest {

    static LiveTestEnvironment env;
    /** Why the class's pipeline could not be created (an assumption failed), or null. */
    private static String skipped;

    /**
     * The pipeline of a test class, when not the default one. (A subclass cannot hide
     * {@code startPipeline}: JUnit runs a superclass's static lifecycle methods even when hidden.)
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface Pipeline {
        /** Creates the environment; when an assumption fails in it, every test of the class is skipped. */
        Class<? extends Supplier<LiveTestEnvironment>> value();
    }

    @BeforeAll
    static void startPipeline(TestInfo test) throws ReflectiveOperationException {
        env = null;
        skipped = null;
        Pipeline pipeline = test.getTestClass().orElseThrow().getAnnotation(Pipeline.class);
        try {
            env = pipeline == null ? new LiveTestEnvironment("DEFAULT")
                    : pipeline.value().getDeclaredConstructor().newInstance().get();
        } catch (TestAbortedException e) {
            skipped = e.getMessage(); // reported per test: surefire shows nothing for a class aborted here
        }
    }

    @AfterAll
    static void stopPipeline() {
        if (env != null) {
            env.close();
            env = null;
        }
    }

    @BeforeEach
    void setUpVaadin() {
        Assumptions.assumeTrue(skipped == null, skipped);
        env.freshUi();
    }

    @AfterEach
    void tearDownVaadin() {
        MockVaadin.tearDown();
    }

    /** A test view of the tenant, attached to Karibu's UI. */
    static ItemsView open(long tenant) {
        ItemsView view = new ItemsView(env.liveSync, tenant, env::load);
        UI.getCurrent().add(view);
        return view;
    }
}
