package io.jfaasm.runtime.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jfaasm.runtime.FaasletHost;
import io.jfaasm.runtime.faaslet.CallRequest;
import io.jfaasm.runtime.faaslet.CallResult;
import io.jfaasm.runtime.faaslet.NetworkPolicy;
import io.jfaasm.runtime.faaslet.FunctionLimits;
import io.jfaasm.runtime.testing.Examples;
import io.jfaasm.runtime.wasm.CompiledModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Functions reach the network only through policed client sockets, against a real local server. */
class NetworkTest {
    FaasletHost host;
    ServerSocket server;
    final AtomicLong received = new AtomicLong();
    Thread acceptor;

    @BeforeEach
    void start() throws IOException {
        host = FaasletHost.create(FaasletHost.Config.defaults());
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Replies "echo:" + what it reads until a pause, then closes; counts every byte. */
    void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            s.setSoTimeout(300);
            byte[] buf = new byte[65536];
            StringBuilder text = new StringBuilder();
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    received.addAndGet(n);
                    if (text.length() < 1000) {
                        text.append(new String(buf, 0, Math.min(n, 1000), StandardCharsets.UTF_8));
                    }
                }
            } catch (java.net.SocketTimeoutException pause) {
                out.write(("echo:" + text).getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        host.close();
    }

    CallResult call(String example, String input, NetworkPolicy policy) {
        CompiledModule m = host.load(Examples.bytes(example));
        return host.call(m, CallRequest.of(input.getBytes()).withNetwork(policy), FunctionLimits.DEFAULTS);
    }

    @Test
    void anAllowedConnectionWorks() {
        CallResult r = call("net_client", "127.0.0.1 " + server.getLocalPort() + " 0 hello",
                NetworkPolicy.allowing("127.0.0.1:" + server.getLocalPort()));
        assertThat(r.failure()).as(r.stdoutText() + r.stderrText()).isNull();
        assertThat(r.outputText()).isEqualTo("echo:hello");
    }

    @Test
    void connectionsOutsideTheAllowListAreRefusedWithAClearError() {
        CallResult denied = call("net_client", "127.0.0.1 " + server.getLocalPort() + " 0 hi",
                NetworkPolicy.allowing("127.0.0.1:" + (server.getLocalPort() + 1)));
        assertThat(denied.returnCode()).as("EACCES").isEqualTo(13);
        assertThat(denied.stderrText()).contains("not in the function's network allow-list");
        CallResult byDefault = call("net_client", "localhost " + server.getLocalPort() + " 0 hi",
                NetworkPolicy.DENY_ALL);
        assertThat(byDefault.returnCode()).isEqualTo(13);
        assertThat(received.get()).as("nothing reached the server").isZero();
        CallResult byName = call("net_client", "localhost " + server.getLocalPort() + " 0 by-name",
                NetworkPolicy.allowing("localhost:*"));
        assertThat(byName.outputText()).isEqualTo("echo:by-name");
    }

    @Test
    void bandwidthIsLimitedPerCall() {
        long rate = 256 * 1024;
        int bytes = 768 * 1024;
        long start = System.nanoTime();
        CallResult r = call("net_client", "127.0.0.1 " + server.getLocalPort() + " " + bytes,
                NetworkPolicy.allowing("127.0.0.1:*").withBandwidth(rate));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(r.failure()).isNull();
        // the bucket starts full (one second's worth); after it, no faster than the rate + 10%
        double achieved = (bytes - rate) / seconds;
        assertThat(achieved).as("bytes/s beyond the initial burst").isLessThanOrEqualTo(rate * 1.1);
    }

    @Test
    void theSocketCapHoldsAndSocketsCloseWithTheCall() {
        NetworkPolicy policy = new NetworkPolicy(java.util.List.of("127.0.0.1:*"), 1 << 20, 4);
        CallResult r = call("net_sockets", "127.0.0.1 " + server.getLocalPort() + " 10", policy);
        assertThat(r.outputText()).isEqualTo("opened=4 error=-24");
        CallResult again = call("net_sockets", "127.0.0.1 " + server.getLocalPort() + " 4", policy);
        assertThat(again.outputText()).as("the last call's sockets were closed").isEqualTo("opened=4 error=0");
    }

    @Test
    void theHostsDenyPatternsWinOverEveryAllowByAnyNameOfTheAddress() {
        int port = server.getLocalPort();
        NetworkPolicy policy = NetworkPolicy.allowing("*:*").denying(java.util.List.of("127.*:" + port));
        for (String host : java.util.List.of("127.0.0.1", "localhost", "0.0.0.0")) {
            CallResult r = call("net_client", host + " " + port + " 0 hi", policy);
            assertThat(r.returnCode()).as(host).isEqualTo(13);
            assertThat(r.stderrText()).contains("refused: the host denies it");
        }
        assertThat(received.get()).as("nothing reached the server").isZero();
        assertThat(policy.union(NetworkPolicy.allowing("x:1")).deny()).as("a union keeps the host's denials")
                .containsExactly("127.*:" + port);
    }

    @Test
    void policiesAreCheckedWhenMade() {
        assertThatThrownBy(() -> NetworkPolicy.allowing("no-port")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NetworkPolicy.allowing("host:http")).isInstanceOf(IllegalArgumentException.class);
        NetworkPolicy p = NetworkPolicy.allowing("*.example.com:443", "10.0.0.1:8000-8099");
        assertThat(p.allows("api.example.com", 443, new InetAddress[0])).isTrue();
        assertThat(p.allows("example.com.evil.org", 443, new InetAddress[0])).isFalse();
        assertThat(p.allows("api.example.com", 80, new InetAddress[0])).isFalse();
    }
}
