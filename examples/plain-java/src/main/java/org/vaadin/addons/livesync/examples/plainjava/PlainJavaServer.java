package org.vaadin.addons.livesync.examples.plainjava;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.WebResourceRoot;
import org.apache.catalina.WebResourceSet;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.webresources.DirResourceSet;
import org.apache.catalina.webresources.JarResourceSet;
import org.apache.catalina.webresources.StandardRoot;
import org.vaadin.addons.livesync.LiveSync;

import com.vaadin.flow.server.VaadinServletContext;

/**
 * The example in an embedded Tomcat: a web application at the root whose servlets and listeners
 * ({@link TasksServlet}, {@link LiveSyncListener}, Vaadin's own initializers) Tomcat finds on the
 * class path, as a servlet container finds them in a WAR. {@link #close()} stops it, and with it
 * LiveSync and the database connections.
 */
public final class PlainJavaServer implements AutoCloseable {

    private final Tomcat tomcat;
    private final StandardContext context;
    private boolean closed;

    private PlainJavaServer(Tomcat tomcat, StandardContext context) {
        this.tomcat = tomcat;
        this.context = context;
    }

    /**
     * Starts the application on {@code port} (0: any free port) for the database at {@code jdbcUrl}
     * (PostgreSQL with {@code wal_level=logical}; the user needs REPLICATION and may create the
     * publication).
     */
    public static PlainJavaServer start(int port, String jdbcUrl, String user, String password) {
        try {
            Path base = Files.createTempDirectory("livesync-plain-java");
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(base.toString());
            tomcat.setPort(port);
            tomcat.getConnector();
            tomcat.setAddDefaultWebXmlToWebapp(false); // no JSP, no default servlet: Vaadin serves it all
            StandardContext context = (StandardContext) tomcat.addWebapp("",
                    Files.createDirectories(base.resolve("webapp")).toString());
            Tomcat.addDefaultMimeTypeMappings(context); // Vaadin serves its scripts with the container's MIME types
            // this application's classes as the web application's WEB-INF/classes, so that Tomcat finds its
            // @WebServlet and @WebListener (and Vaadin its routes); loaded from the class path (parent first)
            WebResourceRoot resources = new StandardRoot(context);
            resources.addPreResources(applicationClasses(resources));
            context.setResources(resources);
            context.setDelegate(true);
            context.addParameter(LiveSyncListener.URL, jdbcUrl);
            context.addParameter(LiveSyncListener.USER, user);
            context.addParameter(LiveSyncListener.PASSWORD, password);
            context.addParameter("devmode.usageStatistics.enabled", "false"); // no telemetry from tests and CI
            tomcat.start();
            return new PlainJavaServer(tomcat, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not start: " + e.getMessage(), e);
        }
    }

    private static WebResourceSet applicationClasses(WebResourceRoot resources) {
        Path location = Path.of(URI.create(PlainJavaServer.class.getProtectionDomain().getCodeSource().getLocation()
                .toString()));
        return Files.isDirectory(location)
                ? new DirResourceSet(resources, "/WEB-INF/classes", location.toString(), "/")
                : new JarResourceSet(resources, "/WEB-INF/classes", location.toString(), "/");
    }

    /** The port it listens on. */
    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** The LiveSync that {@link LiveSyncListener} installed into the application. */
    public LiveSync liveSync() {
        return new VaadinServletContext(context.getServletContext()).getAttribute(LiveSync.class);
    }

    /** Stops the web application (its listener stops LiveSync) and Tomcat. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop: " + e.getMessage(), e);
        }
    }

    /**
     * {@code java ... PlainJavaServer [port]} with {@code JDBC_URL}, {@code JDBC_USER} and
     * {@code JDBC_PASSWORD} in the environment.
     */
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        PlainJavaServer server = start(port, System.getenv("JDBC_URL"), System.getenv("JDBC_USER"),
                System.getenv("JDBC_PASSWORD"));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "tomcat-stop"));
        server.tomcat.getServer().await();
    }
}
