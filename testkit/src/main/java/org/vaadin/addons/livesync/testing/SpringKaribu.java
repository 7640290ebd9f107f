package org.vaadin.addons.livesync.testing;

import java.util.Objects;

import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

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

import kotlin.jvm.functions.Function1;

/**
 * Karibu-Testing on a Spring Boot test's application context, for {@code karibu-testing-v24} with
 * {@code vaadin-spring} 25 (where {@code karibu-testing-v10-spring} is not to be had): a
 * {@link SpringServlet} whose service hands out Karibu's mock sessions, so that views and their
 * dependencies are Spring beans and the application's {@code VaadinServiceInitListener}s run
 * (LiveSync's installer, Vaadin's navigation access control). With Spring Security on the class
 * path, each fake request's user is the one in {@code SecurityContextHolder}, as the security filter
 * would make it ({@link KaribuSecurity#signIn} puts one there).
 * <pre>{@code
 * @SpringBootTest
 * class TasksViewTest {
 *     @Autowired ApplicationContext context;
 *     @Autowired LiveSync liveSync;
 *
 *     @BeforeEach void setUp() { SpringKaribu.setup(context, "com.example.app"); LiveSyncTesting.awaitStreaming(liveSync); }
 *     @AfterEach void tearDown() { SpringKaribu.tearDown(); }
 * }
 * }</pre>
 * Call it on the test thread; like Karibu's {@code MockVaadin}, not thread-safe.
 */
public final class SpringKaribu {

    private static final boolean SECURITY = ClassUtils.isPresent(
            "org.springframework.security.core.context.SecurityContextHolder", SpringKaribu.class.getClassLoader());
    private static final Function1<? super FakeHttpSession, ? extends FakeRequest> KARIBU_REQUESTS =
            MockVaadin.getMockRequestFactory();

    private SpringKaribu() {
    }

    /**
     * Sets up Vaadin (a session and a UI, current on this thread) on the context, with the routes
     * found in the given packages and their sub-packages.
     *
     * @param context       the test's application context
     * @param routePackages where the application's {@code @Route}s are (at least one)
     */
    public static void setup(ApplicationContext context, String... routePackages) {
        if (routePackages.length == 0) {
            throw new IllegalArgumentException("Name the packages of the application's @Route views, e.g. "
                    + "SpringKaribu.setup(context, \"com.example.app\")");
        }
        Routes routes = new Routes();
        for (String routePackage : routePackages) {
            routes.autoDiscoverViews(routePackage);
        }
        setup(context, routes);
    }

    /**
     * Sets up Vaadin on the context with these routes.
     *
     * @param context the test's application context
     * @param routes  the routes, e.g. {@code new Routes().autoDiscoverViews("com.example.app")}
     */
    public static void setup(ApplicationContext context, Routes routes) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(routes, "routes");
        if (SECURITY) {
            MockVaadin.setMockRequestFactory(SpringSecurityRequests::request);
        }
        MockVaadin.setup(UI::new, new Servlet(routes, context));
    }

    /** Closes the session Karibu set up, and signs the user out again. */
    public static void tearDown() {
        try {
            MockVaadin.tearDown();
        } finally {
            MockVaadin.setMockRequestFactory(KARIBU_REQUESTS);
            if (SECURITY) {
                KaribuSecurity.signOut();
            }
        }
    }

    /** Spring's Vaadin servlet with Karibu's mock sessions and build info, and Karibu's routes registered. */
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
