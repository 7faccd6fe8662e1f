package io.fjord.amqp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An in-JVM TCP proxy on 127.0.0.1 between a client and a broker, for fault tests: {@link #pause()}
 * (a black hole: connections stay open, no byte moves), {@link #cut()} (reset every connection),
 * {@link #refuse(boolean)} (new connections are closed at once) and {@link #latency(Duration)}.
 */
public final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Object gate = new Object();
  private volatile boolean paused;
  private volatile boolean refusing;
  private volatile long latencyMillis;
  private volatile boolean closed;

  public TcpProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + port());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (refusing) {
          reset(client);
          continue;
        }
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress(targetHost, targetPort), 2000);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          awaitUnpaused();
          long delay = latencyMillis;
          if (delay > 0) {
            Thread.sleep(delay);
          }
          awaitUnpaused();
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // connection gone
      } finally {
        reset(from);
        reset(to);
      }
    }, "tcp-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private void awaitUnpaused() throws InterruptedException {
    synchronized (gate) {
      while (paused && !closed) {
        gate.wait();
      }
    }
  }

  private void reset(Socket s) {
    sockets.remove(s);
    try {
      s.setSoLinger(true, 0); // close with RST
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  /** Black hole: nothing moves in either direction until {@link #resume()}; sockets stay open. */
  public void pause() {
    paused = true;
  }

  public void resume() {
    synchronized (gate) {
      paused = false;
      gate.notifyAll();
    }
  }

  /** Resets every open connection (RST both ways). */
  public void cut() {
    for (Socket s : sockets.toArray(new Socket[0])) {
      reset(s);
    }
  }

  /** While on, new connections are accepted and reset at once. */
  public void refuse(boolean refuse) {
    this.refusing = refuse;
  }

  public void latency(Duration latency) {
    this.latencyMillis = latency.toMillis();
  }

  /** Number of open client+upstream sockets. */
  public int openSockets() {
    return sockets.size();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    resume();
    server.close();
    cut();
  }
}
