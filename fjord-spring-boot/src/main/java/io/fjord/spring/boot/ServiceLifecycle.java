package io.fjord.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * What the RPC servers and the notification listeners share: started after every singleton exists, stopped
 * before any is destroyed (so before the transport closes), draining in-flight work within
 * {@code spring.lifecycle.timeout-per-shutdown-phase}. Subclasses open their services in {@link #open()}.
 */
abstract class ServiceLifecycle implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ServiceLifecycle.class);

  /** A started service: how to stop it, wait for it and close it. */
  interface Service {
    String name();

    boolean isRunning();

    void stop();

    boolean awaitTermination(Duration timeout) throws InterruptedException;

    void close();
  }

  private final Duration shutdownTimeout;
  private final Object lock = new Object();
  private List<Service> services = List.of();
  private List<Runnable> cleanups = new ArrayList<>();
  private volatile boolean running;

  ServiceLifecycle(Duration shutdownTimeout) {
    this.shutdownTimeout = shutdownTimeout;
  }

  /** Builds and starts the services; registers cleanups (owned executors) with {@link #onClose(Runnable)}. */
  abstract List<Service> open();

  /** Runs {@code cleanup} once the services of this run have been closed. */
  final void onClose(Runnable cleanup) {
    synchronized (lock) {
      cleanups.add(cleanup);
    }
  }

  /** The services of the current run, for health checks. */
  final List<Service> services() {
    synchronized (lock) {
      return services;
    }
  }

  @Override
  public final void start() {
    synchronized (lock) {
      if (running) {
        return;
      }
      cleanups = new ArrayList<>();
      List<Service> opened = new ArrayList<>();
      services = opened;
      try {
        opened.addAll(open());
      } catch (RuntimeException e) {
        // what did start must not keep consuming while the context fails
        drain(List.copyOf(opened), List.copyOf(cleanups), Duration.ZERO);
        services = List.of();
        throw e;
      }
      services = List.copyOf(opened);
      running = true;
    }
  }

  @Override
  public final void stop() {
    Stopping s = beginStop();
    drain(s.services, s.cleanups, shutdownTimeout);
  }

  @Override
  public final void stop(Runnable callback) {
    Stopping s = beginStop();
    if (s.services.isEmpty() && s.cleanups.isEmpty()) {
      callback.run();
      return;
    }
    // Spring waits up to timeout-per-shutdown-phase for the callback; draining must not block its thread
    Thread t = new Thread(() -> {
      try {
        drain(s.services, s.cleanups, shutdownTimeout);
      } finally {
        callback.run();
      }
    }, "fjord-shutdown");
    t.setDaemon(true);
    t.start();
  }

  private record Stopping(List<Service> services, List<Runnable> cleanups) {
  }

  /** Stops every service from taking new work at once, so they all drain in parallel. */
  private Stopping beginStop() {
    synchronized (lock) {
      running = false;
      List<Service> s = services;
      List<Runnable> c = List.copyOf(cleanups);
      cleanups = new ArrayList<>();
      for (Service service : s) {
        try {
          service.stop();
        } catch (RuntimeException e) {
          log.warn("Stopping {} failed", service.name(), e);
        }
      }
      return new Stopping(s, c);
    }
  }

  private static void drain(List<Service> services, List<Runnable> cleanups, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Service service : services) {
      boolean terminated = false;
      try {
        service.stop();
        long left = Math.max(0, deadline - System.nanoTime());
        terminated = service.awaitTermination(Duration.ofNanos(left));
        if (!terminated) {
          // closing it here would wait the transport's close timeout on top of the phase's: the transport's
          // close (next, when the context destroys it) closes it and fails what still runs
          log.warn("{} still had work running after {} (spring.lifecycle.timeout-per-shutdown-phase); "
              + "closing the transport fails that work", service.name(), timeout);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        log.warn("Waiting for {} failed", service.name(), e);
      }
      if (terminated) {
        try {
          service.close();
        } catch (RuntimeException e) {
          log.warn("Closing {} failed", service.name(), e);
        }
      }
    }
    for (Runnable cleanup : cleanups) {
      cleanup.run();
    }
  }

  @Override
  public final boolean isRunning() {
    return running;
  }

  /**
   * Spring AMQP's listener containers' phase: started last and stopped first, before a web server's graceful
   * shutdown, so requests being served finish while the transport is still open.
   */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE;
  }

  /** Shuts {@code executor} down once its services are closed, waiting briefly for its threads. */
  static Runnable shutdown(java.util.concurrent.ExecutorService executor) {
    return () -> {
      executor.shutdown();
      try {
        executor.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }
}
