package io.fjord.examples;

import io.fjord.rpc.RequestContext;
import io.fjord.rpc.Target;
import io.fjord.rpc.Transport;
import io.fjord.rpc.TransportUrl;
import io.fjord.rpc.client.RpcClient;
import io.fjord.rpc.server.RpcServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Example 2, work queue: three workers (RPC servers) on one topic share the jobs a client casts to
 * that topic, round robin, each doing one job at a time. Then one worker stops in the middle of a
 * second batch: it finishes the jobs it had received and gets no more, and the others do the rest.
 * Every job is done exactly once; the example exits non-zero otherwise.
 *
 * <p>Acknowledgements: a server acknowledges a request when it starts processing it (oslo's
 * at-most-once). {@link RpcServer#stop()} cancels the worker's consumer; jobs it already received
 * still run. Had the worker crashed instead, the job it was running would be lost and the jobs it
 * had received but not started would go back to the queue. On RabbitMQ the example sets
 * {@code prefetch=1}: a busy worker holds at most one waiting job, so free workers get the rest.
 */
public final class WorkQueue {
  private WorkQueue() {
  }

  /** URL options on RabbitMQ: one waiting job per worker (oslo's name for the prefetch). */
  static final String RABBIT_OPTIONS = "rabbit_qos_prefetch_count=1";
  static final int JOBS = 30;
  static final List<String> WORKERS = List.of("worker-1", "worker-2", "worker-3");
  static final String STOPPING = "worker-3";
  private static final Duration JOB_TIME = Duration.ofMillis(20);
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A worker's endpoint: {@code process(job)} takes {@link #JOB_TIME}. */
  public static final class Worker {
    private final String name;
    private final Tally started;
    private final Tally done;

    Worker(String name, Tally started, Tally done) {
      this.name = name;
      this.started = started;
      this.done = done;
    }

    public void process(int job) throws InterruptedException {
      started.add(name, String.valueOf(job));
      Thread.sleep(JOB_TIME.toMillis()); // the job's work
      done.add(name, String.valueOf(job));
    }
  }

  public static void main(String[] args) throws Exception {
    if (!run(Brokers.pick(RABBIT_OPTIONS), Brokers.newId(), System.out)) {
      System.exit(1);
    }
  }

  /** Runs the example on {@code url} with names made from {@code id}; true when it behaved as shown. */
  static boolean run(String url, String id, PrintStream out) throws InterruptedException {
    String topic = "fjord_work_" + id;
    Tally started = new Tally();
    Tally done = new Tally();
    List<ExecutorService> threads = new ArrayList<>();
    try (Transport transport = Transport.open(TransportUrl.parse(url), Brokers.ownExchange(id))) {
      Map<String, RpcServer> workers = new LinkedHashMap<>();
      for (String name : WORKERS) {
        ExecutorService oneAtATime = Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
        threads.add(oneAtATime);
        RpcServer server = RpcServer.builder(transport, Target.topic(topic).withServer(name))
            .endpoint(new Worker(name, started, done))
            .executor(oneAtATime)
            .build();
        server.start();
        workers.put(name, server);
      }
      out.println("3 workers on topic " + topic + ", each doing one job (" + JOB_TIME.toMillis() + " ms) at a time");
      RpcClient client = RpcClient.builder(transport, Target.topic(topic)).timeout(Duration.ofSeconds(10)).build();

      out.println();
      out.println("1. Round robin: casting jobs 1.." + JOBS + " to the topic");
      castJobs(client, 1, JOBS);
      if (!done.await(WAIT, t -> t.all().size() >= JOBS)) {
        out.println("FAILED: only " + done.all().size() + " of " + JOBS + " jobs were done within " + WAIT.toSeconds() + " s");
        return false;
      }
      for (String w : WORKERS) {
        out.println("  " + w + " did " + done.count(w) + " jobs: " + done.get(w));
      }
      boolean shared = WORKERS.stream().allMatch(w -> done.count(w) > 0);

      out.println();
      out.println("2. " + STOPPING + " stops while jobs " + (JOBS + 1) + ".." + (2 * JOBS) + " are being done");
      castJobs(client, JOBS + 1, 2 * JOBS);
      if (!started.await(WAIT, t -> t.get(STOPPING).stream().anyMatch(j -> Integer.parseInt(j) > JOBS))) {
        out.println("FAILED: " + STOPPING + " never started a job of the second batch");
        return false;
      }
      RpcServer stopping = workers.get(STOPPING);
      int doneAtStop = done.count(STOPPING);
      stopping.stop();
      out.println("  " + STOPPING + " stopped (its consumer is cancelled; it takes no new jobs)");
      if (!stopping.awaitTermination(WAIT)) {
        out.println("FAILED: " + STOPPING + " did not finish its jobs within " + WAIT.toSeconds() + " s");
        return false;
      }
      int doneAtTermination = done.count(STOPPING);
      out.println("  " + STOPPING + " finished " + (doneAtTermination - doneAtStop)
          + " job(s) it had already received, then terminated");
      if (!done.await(WAIT, t -> t.all().size() >= 2 * JOBS)) {
        out.println("FAILED: only " + done.all().size() + " of " + 2 * JOBS + " jobs were done within "
            + WAIT.toSeconds() + " s");
        return false;
      }
      for (String w : WORKERS) {
        long second = done.get(w).stream().filter(j -> Integer.parseInt(j) > JOBS).count();
        out.println("  " + w + " did " + second + " jobs of the second batch");
      }
      boolean noneAfterStop = done.count(STOPPING) == doneAtTermination;

      List<String> all = done.all();
      Set<String> distinct = new HashSet<>(all);
      boolean exactlyOnce = all.size() == 2 * JOBS && distinct.size() == 2 * JOBS;
      out.println();
      out.println("Acknowledgements: a server acknowledges a job when it starts it (oslo's at-most-once), so a");
      out.println("stopped worker finishes what it received and the broker gives queued jobs to the others.");
      out.println("A crashed worker would lose the job it was running; jobs it had received but not started");
      out.println("are unacknowledged and would go back to the queue.");
      boolean ok = shared && noneAfterStop && exactlyOnce;
      out.println(ok ? "OK: jobs were shared by all workers, each of the " + 2 * JOBS + " jobs was done exactly once, "
          + "and " + STOPPING + " got none after it stopped."
          : "FAILED: shared by all=" + shared + ", none after stop=" + noneAfterStop + ", exactly once=" + exactlyOnce
          + " (" + all.size() + " done, " + distinct.size() + " distinct)");
      return ok;
    } finally {
      threads.forEach(ExecutorService::shutdownNow);
      Declared.by(url, id).rpcTopic(topic, WORKERS).delete(out);
    }
  }

  private static void castJobs(RpcClient client, int from, int to) {
    for (int job = from; job <= to; job++) {
      client.cast(RequestContext.empty(), "process", Map.of("job", job));
    }
  }
}
