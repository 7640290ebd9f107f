package org.vaadin.addons.livesync.testdb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy in front of PostgreSQL that can make replication connections stall: their
 * bytes stop flowing in both directions while the sockets stay open, as behind a stuck firewall or
 * a dead network path. Ordinary SQL connections keep working. It can also {@link #switchTo switch}
 * to another server, as a failover or a blue/green switch behind one address does. For tests only.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private volatile InetSocketAddress target;
    private final List<Pipe> pipes = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** Starts a proxy to the host and port of {@code jdbcUrl}. */
    public TcpProxy(String jdbcUrl) throws IOException {
        this.target = address(jdbcUrl);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("tcp-proxy").start(this::accept);
    }

    private static InetSocketAddress address(String jdbcUrl) {
        String hostPort = jdbcUrl.substring("jdbc:postgresql://".length()).split("/")[0];
        String host = hostPort.contains(":") ? hostPort.substring(0, hostPort.indexOf(':')) : hostPort;
        int port = hostPort.contains(":") ? Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1)) : 5432;
        return new InetSocketAddress(host, port);
    }

    /**
     * Sends new connections to the server of {@code jdbcUrl} from now on and breaks every open one,
     * as a failover to another server behind the same address does.
     */
    public void switchTo(String jdbcUrl) {
        target = address(jdbcUrl);
        for (Pipe pipe : pipes) {
            pipe.close();
        }
    }

    /** The JDBC URL that goes through the proxy. */
    public String jdbcUrl(String original) {
        String rest = original.substring("jdbc:postgresql://".length());
        return "jdbc:postgresql://127.0.0.1:" + server.getLocalPort() + rest.substring(rest.indexOf('/'));
    }

    /** Stops every open replication connection's traffic; new connections are not affected. */
    public void stallReplicationConnections() {
        for (Pipe pipe : pipes) {
            if (pipe.replication) {
                pipe.stalled = true;
            }
        }
    }

    /** How many replication connections were opened through the proxy. */
    public long replicationConnections() {
        return pipes.stream().filter(p -> p.replication).count();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target);
                Pipe pipe = new Pipe(client, upstream);
                pipes.add(pipe);
                pipe.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Pipe pipe : pipes) {
            pipe.close();
        }
    }

    private static final class Pipe {
        final Socket client;
        final Socket upstream;
        volatile boolean replication;
        volatile boolean stalled;

        Pipe(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            Thread.ofPlatform().daemon().name("tcp-proxy-up").start(() -> pump(client, upstream, true));
            Thread.ofPlatform().daemon().name("tcp-proxy-down").start(() -> pump(upstream, client, false));
        }

        private void pump(Socket from, Socket to, boolean clientToServer) {
            byte[] buffer = new byte[16384];
            long sniffed = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (clientToServer && sniffed < 8192) {
                        // the startup packet (after an optional SSL request) names its parameters in clear text
                        replication |= new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains("replication\0database");
                        sniffed += n;
                    }
                    while (stalled) {
                        Thread.sleep(50);
                        if (from.isClosed()) {
                            return;
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // connection gone
            } finally {
                close();
            }
        }

        void close() {
            try {
                client.close();
            } catch (IOException e) {
                // ignore
            }
            try {
                upstream.close();
            } catch (IOException e) {
                // ignore
            }
        }
    }
}
