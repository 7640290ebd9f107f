package org.vaadin.addons.livesync.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The demo's {@code /actuator/health} and {@code /actuator/prometheus}: the health's details and the
 * scrape only for the operator, the bare status for the other users, nothing for anonymous requests,
 * also from this machine (a request to one of the machine's own non-loopback addresses comes from
 * that address, so it stands in for a remote client). The requests sign in with HTTP Basic, as a
 * scraper does.
 */
class ActuatorEndpointsTest extends DemoTest {

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @LocalServerPort
    int port;

    @Value("${spring.datasource.url}")
    String datasourceUrl;

    @Test
    void healthShowsLiveSyncsStateToTheOperator() throws Exception {
        awaitLive();

        HttpResponse<String> health = get("127.0.0.1", "/actuator/health", "operator");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"livesync\"").contains("\"state\":\"STREAMING\"").contains("\"lagBytes\"")
                .doesNotContainIgnoringCase("password").doesNotContain(datasourceUrl);
    }

    @Test
    void prometheusScrapeHasTheLiveSyncMetersAfterACommitReachedTheStream() throws Exception {
        awaitLive();
        insertTask(1, uniqueTitle("scraped"));

        await().atMost(DEADLINE).until(() -> get("127.0.0.1", "/actuator/prometheus", "operator").body()
                .lines().anyMatch(line -> line.startsWith("livesync_received_rows_total") && !line.endsWith(" 0.0")));
        String scrape = get("127.0.0.1", "/actuator/prometheus", "operator").body();
        assertThat(scrape).contains("livesync_lag_bytes", "livesync_lag_time_seconds", "livesync_reloads_total{cause=\"gap\"",
                "livesync_delivery_latency_seconds", "livesync_subscriptions", "livesync_reconnects_total");
        scrape.lines().filter(line -> line.startsWith("livesync_") && !line.startsWith("livesync_delivery"))
                .forEach(System.out::println);
    }

    @Test
    void anonymousRequestsFromAnotherMachineAreRefused() throws Exception {
        Optional<InetAddress> own = nonLoopbackAddress();
        Assumptions.assumeTrue(own.isPresent(), "no non-loopback IPv4 address to stand in for a remote client");
        String host = own.get().getHostAddress();

        for (String path : new String[] {"/actuator/health", "/actuator/prometheus"}) {
            HttpResponse<String> response = get(host, path);
            System.out.println(path + " from " + host + ": HTTP " + response.statusCode() + " "
                    + response.headers().firstValue("Location").orElse(""));
            assertThat(response.statusCode()).as(path).isNotEqualTo(200);
            assertThat(response.body()).as(path).doesNotContain("livesync");
        }
    }

    @Test
    void aRegularUserGetsTheHealthStatusWithoutDetails() throws Exception {
        awaitLive();

        HttpResponse<String> health = get("127.0.0.1", "/actuator/health", "alice");

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("livesync", "components", "details",
                "PostgreSQL");
        HttpResponse<String> component = get("127.0.0.1", "/actuator/health/livesync", "alice");
        assertThat(component.statusCode()).isNotEqualTo(200);
        assertThat(component.body()).doesNotContain("STREAMING");
    }

    @Test
    void aRegularUserGetsNoPrometheusScrapeNorTheEndpointList() throws Exception {
        for (String path : new String[] {"/actuator/prometheus", "/actuator"}) {
            HttpResponse<String> response = get("127.0.0.1", path, "bob");
            assertThat(response.statusCode()).as(path).isEqualTo(403);
            assertThat(response.body()).as(path).doesNotContain("livesync");
        }
    }

    @Test
    void anonymousRequestsFromThisMachineGetNeitherHealthDetailsNorTheScrape() throws Exception {
        awaitLive();
        for (String path : new String[] {"/actuator/health", "/actuator/prometheus"}) {
            HttpResponse<String> response = get("127.0.0.1", path);
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(response.body()).as(path).doesNotContain("livesync");
        }
    }

    @Test
    void theOperatorSignedInWithTheLoginFormGetsTheHealthDetails() throws Exception {
        awaitLive();
        HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .cookieHandler(new java.net.CookieManager()).build();
        String base = "http://127.0.0.1:" + port;
        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=operator&password=operator")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.headers().firstValue("Location")).as("where the login sends the operator")
                .hasValueSatisfying(location -> assertThat(location).doesNotContain("error"));

        HttpResponse<String> health = browser.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"state\":\"STREAMING\"");
    }

    private HttpResponse<String> get(String host, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A request signed in as {@code user} (password = user name) with HTTP Basic. */
    private HttpResponse<String> get(String host, String path, String user) throws IOException, InterruptedException {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .header("Authorization", "Basic " + credentials).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(DemoNetwork::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress()
                        && !address.isLinkLocalAddress())
                .findFirst();
    }

    /** {@link NetworkInterface#isUp()} without its checked exception. */
    private static final class DemoNetwork {
        static boolean isUp(NetworkInterface network) {
            try {
                return network.isUp() && !network.isLoopback();
            } catch (SocketException e) {
                return false;
            }
        }
    }
}
