"""oslo.messaging's own functional suite, with Fjord as the RPC server and the notification listener.

The suite is the one python3-oslo.messaging installs (oslo_messaging/tests/functional:
test_functional.py and notify/test_logger.py; Debian bookworm's 14.0.3 or trixie's 16.1), imported
and run as installed: its test classes, its clients (oslo's RPC client and notifier) and its
assertions are untouched. Only the fixtures that start servers and listeners are replaced, by ones
that ask a Fjord host (io.fjord.interop.OsloSuiteHost, reached over TCP) to start the Java twins of
the suite's endpoints (io.fjord.interop.OsloSuiteEndpoints) and relay back what they did:

- utils.RpcServerFixture: a Fjord RpcServer on the fixture's target, serving the Java twin of the
  fixture's endpoint (TestServerEndpoint, or the test's own endpoint class) and the fixture's ping
  and sync methods. A sync call reaches the fixture's sync() (its syncq); `endpoint` reads the Java
  endpoint's ival and sval. RpcServerGroupFixture is used as installed: it builds its servers
  with utils.RpcServerFixture.
- utils.NotificationFixture and utils.BatchNotificationFixture: a Fjord NotificationListener on
  the fixture's topics (and its own control topic); each notification (batch) it gets is handed to
  the fixture's own endpoint methods (info(), ...), which fill `events` as oslo's listener would.

Tests that cannot apply to a Java server are listed in EXCLUDED with the reason; every other test
of the suite must run and pass (a skipped test counts as a failure).

    python3 fjord_oslo_suite.py --url rabbit://guest:guest@127.0.0.1:5672/ --fjord-host 127.0.0.1:PORT
        [--option NAME=VALUE ...] [--workers N] [test id prefix ...]

--url becomes the suite's RPC_TRANSPORT_URL and NOTIFY_TRANSPORT_URL; each --option NAME=VALUE is an
[oslo_messaging_rabbit] option that oslo gets as the option's default (oslo.config's set_defaults) and
Fjord in its URL's query. --fjord-host is where an
OsloSuiteHost listens: OsloFunctionalSuiteIT starts one in its JVM, `java -cp <rpc-interop test class
path> io.fjord.interop.OsloSuiteHost` starts one that prints its address. Tests run in N worker
processes (default 4), each with its own session on the host; the suite's tests use their own
topics so that they can run in parallel. One line per test and the summary line go to stdout, a
failing test's details (traceback and captured logs) after the list, the workers' own output to
stderr; the exit status is 0 only when every test not excluded passed.
"""

import argparse
import inspect
import itertools
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import traceback
import unittest
import urllib.parse

try:
    import fixtures
    import requests  # noqa: F401 (imported by the suite's test_functional)
    import testscenarios  # noqa: F401 (imported by the suite's notify/test_logger)

    from oslo_messaging.tests.functional import utils
except ImportError as e:
    sys.exit("%s cannot import oslo.messaging's functional suite (%s): install python3-oslotest, "
             "python3-testscenarios and python3-requests beside python3-oslo.messaging (bash .ci/run does)"
             % (sys.executable, e))

SUITE_PACKAGE = "oslo_messaging.tests.functional"

# Tests of the installed suite that do not run against Fjord: test id -> why. Every id must name a
# test of the suite (a stale entry fails the run), and nothing else is left out. Empty for oslo.messaging
# 14.0.3 and 16.1: every test applies, including the three that start no server (test_timeout, test_mandatory_call,
# test_bad_endpoint: oslo's client on its own) and MetricsTestCase (oslo's client-side metrics, served by
# `python3 -m oslo_metrics` on port 3000, while Fjord serves the calls).
EXCLUDED = {
}

# The Java twins (OsloSuiteEndpoints) of the endpoint classes the suite gives RpcServerFixture,
# recognised by their public methods: Java endpoint name -> method names.
JAVA_TWINS = {
    "test_server": {"add", "subtract", "append", "long_running_task"},
    "delay": {"delay"},  # CallTestCase.test_monitor_long_call
    "echo": {"test"},  # CallTestCase.test_endpoint_version_namespace
}

# How long one command to the Fjord host may take (starting or closing a server waits for the broker).
HOST_TIMEOUT = 60


class FjordHost(object):
    """A session with io.fjord.interop.OsloSuiteHost: JSON lines over one TCP connection."""

    def __init__(self, address):
        host, port = address.rsplit(":", 1)
        self._socket = socket.create_connection((host, int(port)), timeout=HOST_TIMEOUT)
        self._socket.settimeout(None)
        self._in = self._socket.makefile("rb")
        self._out = self._socket.makefile("wb")
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._answers = {}
        self._handlers = {}
        self.started = 0  # servers and listeners started, for the report
        self._reader = threading.Thread(target=self._read, name="fjord-host-reader", daemon=True)
        self._reader.start()

    def _read(self):
        for raw in self._in:
            line = json.loads(raw)
            if "id" in line:
                with self._lock:
                    answer = self._answers.get(line["id"])
                if answer is not None:
                    answer.put(line)
            else:
                with self._lock:
                    handler = self._handlers.get(line.get("handle"))
                if handler is not None:
                    handler(line)
        with self._lock:
            waiting = list(self._answers.values())
        for answer in waiting:
            answer.put({"ok": False, "error": "the Fjord host closed the connection"})

    def request(self, op, **fields):
        """Sends one command and returns its answer; raises when the host reports a failure."""
        command = dict(fields, op=op, id=next(self._ids))
        answer = queue.Queue()
        with self._lock:
            self._answers[command["id"]] = answer
        try:
            self._out.write((json.dumps(command) + "\n").encode("utf-8"))
            self._out.flush()
            try:
                result = answer.get(timeout=HOST_TIMEOUT)
            except queue.Empty:
                raise RuntimeError("the Fjord host did not answer %s within %s s" % (command, HOST_TIMEOUT))
        finally:
            with self._lock:
                del self._answers[command["id"]]
        if not result.get("ok"):
            raise RuntimeError("the Fjord host failed %s: %s" % (command, result.get("error")))
        return result

    def start(self, op, on_event, **fields):
        """Starts a server or listener; its events go to on_event (on the reader thread)."""
        handle = self.request(op, **fields)["handle"]
        with self._lock:
            self._handlers[handle] = on_event
        self.started += 1
        return handle

    def stop(self, handle):
        try:
            self.request("stop", handle=handle)
        finally:
            with self._lock:
                self._handlers.pop(handle, None)

    def close(self):
        """Ends the session: the host closes what still runs and deletes its queues, then hangs up."""
        self._out.close()
        self._socket.shutdown(socket.SHUT_WR)
        self._reader.join(HOST_TIMEOUT)
        self._in.close()
        self._socket.close()


_host = None
# oslo's [oslo_messaging_rabbit] options of the run, name -> value. Fjord reads them from its URL's query.
# oslo gets them as the options' defaults (set_oslo_defaults): the suite's tests build their own ConfigOpts,
# never parsed (so oslo.config's environment source is never read), and its SkipIfNoTransportURL hands the
# URL's query to the kafka driver's options too, which refuse rabbit's.
_options = {}


def set_oslo_defaults(options):
    """Makes `options` the defaults of oslo's [oslo_messaging_rabbit] options, as a service's set_defaults."""
    from oslo_config import cfg
    from oslo_messaging import opts as oslo_opts
    rabbit = [opt for group, opts in oslo_opts._opts if group == "oslo_messaging_rabbit" for opt in opts]
    by_name = {opt.dest: opt for opt in rabbit}
    unknown = sorted(set(options) - set(by_name))
    if unknown:
        raise ValueError("oslo.messaging has no [oslo_messaging_rabbit] option %s" % ", ".join(unknown))
    cfg.set_defaults(rabbit, **{name: by_name[name].type(value) for name, value in options.items()})


def fjord_url(url):
    """The URL for Fjord: the suite's, with the run's options in its query, as Fjord reads them."""
    if not _options:
        return url
    return url + ("&" if "?" in url else "?") + urllib.parse.urlencode(_options)


def host():
    if _host is None:
        raise RuntimeError("no Fjord host: run the suite through fjord_oslo_suite.py")
    return _host


def _java_twin(endpoint):
    """The Java endpoint serving like `endpoint`, and the namespace and version it serves."""
    target = getattr(endpoint, "target", None)
    namespace = getattr(target, "namespace", None)
    version = getattr(target, "version", None) or "1.0"
    if isinstance(endpoint, utils.TestServerEndpoint):
        return "test_server", namespace, version
    methods = {name for name, member in inspect.getmembers(endpoint, inspect.ismethod)
               if not name.startswith("_")}
    for twin, names in JAVA_TWINS.items():
        if methods == names:
            return twin, namespace, version
    raise TypeError("no Java twin for the endpoint %r (methods %s): add one to JAVA_TWINS and "
                    "OsloSuiteEndpoints" % (endpoint, sorted(methods)))


class FjordEndpointState(object):
    """TestServerEndpoint's ival and sval, read from its Java twin."""

    def __init__(self, handle):
        self._handle = handle

    @property
    def ival(self):
        return host().request("state", handle=self._handle)["ival"]

    @property
    def sval(self):
        return host().request("state", handle=self._handle)["sval"]


class RpcServerFixture(utils.RpcServerFixture):
    """utils.RpcServerFixture with a Fjord RpcServer in the place of oslo's."""

    # the installed fixture's __init__, setUp and cleanUp call super(RpcServerFixture, self), which
    # means this class once the shim is installed: they are re-stated here, not inherited
    def __init__(self, conf, url, target, endpoint=None, ctrl_target=None, executor='eventlet'):
        fixtures.Fixture.__init__(self)
        self.conf = conf
        self.url = url
        self.target = target
        self.endpoint = endpoint or utils.TestServerEndpoint()
        self.executor = executor  # Fjord always runs requests on its own thread pool
        self.syncq = queue.Queue()
        self.ctrl_target = ctrl_target or self.target

    def setUp(self):
        fixtures.Fixture.setUp(self)
        twin, namespace, version = _java_twin(self.endpoint)
        self.handle = host().start(
            "rpc_server", self._on_event, url=fjord_url(self.url), exchange=self.target.exchange,
            topic=self.target.topic, server=self.target.server, endpoint=twin,
            namespace=namespace, version=version)
        # the host answers once the server consumes: no need for oslo's half-second wait
        self.addCleanup(host().stop, self.handle)
        if twin == "test_server":
            self.endpoint = FjordEndpointState(self.handle)

    def cleanUp(self):
        fixtures.Fixture.cleanUp(self)

    def _on_event(self, event):
        if event["event"] == "sync":
            self.sync(event["ctxt"])


class NotificationFixture(utils.NotificationFixture):
    """utils.NotificationFixture with a Fjord NotificationListener in the place of oslo's."""

    batch_size = None
    batch_timeout = None

    def __init__(self, conf, url, topics, batch=None):
        fixtures.Fixture.__init__(self)
        self.conf = conf
        self.url = url
        self.topics = topics
        self.events = queue.Queue()
        self.name = str(id(self))
        self.batch = batch

    def setUp(self):
        fixtures.Fixture.setUp(self)
        fields = dict(url=fjord_url(self.url), topics=list(self.topics) + [self.name])
        if self.batch_size is not None:
            fields.update(batch_size=self.batch_size, batch_timeout=self.batch_timeout)
        self.handle = host().start("listener", self._on_event, **fields)
        self.addCleanup(host().stop, self.handle)
        self._ctrl = self.notifier('internal', topics=[self.name])

    def cleanUp(self):
        fixtures.Fixture.cleanUp(self)

    def _on_event(self, event):
        # the fixture's own endpoint methods, called as oslo's dispatcher calls them
        method = getattr(self, event["priority"])
        if event["event"] == "batch":
            method(event["messages"])
        else:
            method(event["ctxt"], event["publisher_id"], event["event_type"], event["payload"],
                   event["metadata"])


class BatchNotificationFixture(NotificationFixture):
    """utils.BatchNotificationFixture with a Fjord batch NotificationListener."""

    def __init__(self, conf, url, topics, batch_size=5, batch_timeout=2):
        NotificationFixture.__init__(self, conf, url, topics)
        self.batch_size = batch_size
        self.batch_timeout = batch_timeout

    debug = utils.BatchNotificationFixture.debug
    audit = utils.BatchNotificationFixture.audit
    info = utils.BatchNotificationFixture.info
    warn = utils.BatchNotificationFixture.warn
    error = utils.BatchNotificationFixture.error
    critical = utils.BatchNotificationFixture.critical
    sample = utils.BatchNotificationFixture.sample


def install():
    """Puts the Fjord fixtures where the suite looks them up (module attributes of utils)."""
    utils.RpcServerFixture = RpcServerFixture
    utils.NotificationFixture = NotificationFixture
    utils.BatchNotificationFixture = BatchNotificationFixture


# ---------------------------------------------------------------------------------------- running


def _all_tests():
    functional = __import__(SUITE_PACKAGE, fromlist=["x"])
    start = os.path.dirname(functional.__file__)
    top = os.path.dirname(os.path.dirname(os.path.dirname(start)))
    suite = unittest.defaultTestLoader.discover(start, pattern="test_*.py", top_level_dir=top)
    tests = []

    def walk(s):
        for t in s:
            if isinstance(t, unittest.TestSuite):
                walk(t)
            else:
                tests.append(t)
    walk(suite)
    broken = [t for t in tests if t.id().startswith("unittest.loader.")]
    if broken:
        raise RuntimeError("the suite did not load: %s" % "; ".join(
            "%s: %s" % (t.id(), getattr(t, "_exception", "")) for t in broken))
    return tests


def _outcome(result):
    for kind, entries in (("error", result.errors), ("failed", result.failures)):
        if entries:
            return kind, "\n".join(text for _, text in entries)
    if result.unexpectedSuccesses:
        return "failed", "unexpected success"
    if result.expectedFailures:
        return "failed", "expected failure:\n" + result.expectedFailures[0][1]
    if result.skipped:
        return "skipped", "skipped (a skip is not a pass: exclude the test in EXCLUDED with a reason): " + \
            result.skipped[0][1]
    return "passed", ""


def worker(result_fd, fjord_host, options):
    """Runs the test ids read from stdin, one at a time; one JSON result line each on result_fd."""
    global _host
    _options.update(options)
    set_oslo_defaults(options)
    install()
    tests = {t.id(): t for t in _all_tests()}
    results = os.fdopen(result_fd, "w")
    _host = FjordHost(fjord_host)
    try:
        for line in sys.stdin:
            test_id = line.strip()
            started = time.monotonic()
            before = _host.started
            result = unittest.TestResult()
            try:
                tests[test_id].run(result)
                outcome, details = _outcome(result)
            except Exception:
                outcome, details = "error", traceback.format_exc()
            results.write(json.dumps(dict(id=test_id, outcome=outcome, details=details,
                                          seconds=round(time.monotonic() - started, 2),
                                          fjord=_host.started - before)) + "\n")
            results.flush()
    finally:
        _host.close()
    # threads a failed test's oslo transports left behind must not keep the worker alive
    results.close()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class Worker(object):
    """A worker process as the main process sees it; its own output goes to the main process's stderr."""

    def __init__(self, number, url, fjord_host, options):
        read_fd, write_fd = os.pipe()
        env = dict(os.environ, RPC_TRANSPORT_URL=url, NOTIFY_TRANSPORT_URL=url,
                   OS_LOG_CAPTURE="1", OS_STDOUT_CAPTURE="1", OS_STDERR_CAPTURE="1",
                   OS_TEST_TIMEOUT=os.environ.get("OS_TEST_TIMEOUT", "120"),
                   # the suite starts `python3 -m oslo_metrics`: the python3 with this oslo.messaging
                   PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
        self.number = number
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker", "--result-fd", str(write_fd),
             "--fjord-host", fjord_host] + ["--option=%s=%s" % o for o in options.items()],
            stdin=subprocess.PIPE, stdout=sys.stderr, stderr=sys.stderr, pass_fds=(write_fd,), env=env)
        os.close(write_fd)
        self.results = os.fdopen(read_fd, "r")
        self.alive = True

    def run(self, test_id):
        """Runs one test in the worker; an error result when the worker is gone."""
        try:
            self.process.stdin.write((test_id + "\n").encode("utf-8"))
            self.process.stdin.flush()
        except OSError:
            self.alive = False
        line = self.results.readline() if self.alive else ""
        if not line:
            self.alive = False
            return dict(id=test_id, outcome="error", seconds=0, fjord=0,
                        details="worker %d exited (its output is on stderr)" % self.number)
        return json.loads(line)

    def close(self):
        try:
            self.process.stdin.close()
        except OSError:
            pass
        self.process.wait()
        self.results.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=os.environ.get("RPC_TRANSPORT_URL"),
                        help="the broker's transport URL (default: $RPC_TRANSPORT_URL)")
    parser.add_argument("--fjord-host", required=True, help="where OsloSuiteHost listens: 127.0.0.1:<port>")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="an [oslo_messaging_rabbit] option for both sides (repeat for more)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result-fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("prefixes", nargs="*", help="run only the tests whose id starts with one of these")
    args = parser.parse_args()
    options = dict(o.split("=", 1) for o in args.option)
    if args.worker:
        worker(args.result_fd, args.fjord_host, options)
        return 0
    if not args.url:
        print("no transport URL (--url or RPC_TRANSPORT_URL): the suite would skip every test", file=sys.stderr)
        return 2

    started = time.monotonic()
    ids = [t.id() for t in _all_tests()]
    stale = sorted(set(EXCLUDED) - set(ids))
    if stale:
        print("EXCLUDED names tests the suite does not have: %s" % ", ".join(stale), file=sys.stderr)
        return 2
    if args.prefixes:
        ids = [i for i in ids if any(i.startswith(p) for p in args.prefixes)]
    excluded = [i for i in ids if i in EXCLUDED]
    todo = queue.Queue()
    for i in ids:
        if i not in EXCLUDED:
            todo.put(i)
    results = []
    lock = threading.Lock()

    def drain(number):
        w = Worker(number, args.url, args.fjord_host, options)
        try:
            while w.alive:
                try:
                    test_id = todo.get_nowait()
                except queue.Empty:
                    return
                r = w.run(test_id)
                with lock:
                    results.append(r)
                    print("%-7s %6.1f s  %s%s" % (r["outcome"].upper(), r["seconds"], r["id"],
                                                 "" if r["fjord"] else "  (no Fjord server or listener)"))
                    if r["outcome"] != "passed":
                        print("\n%s\n" % r["details"].rstrip())
                    sys.stdout.flush()
        finally:
            w.close()

    threads = [threading.Thread(target=drain, args=(n,)) for n in range(1, max(1, args.workers) + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    failed = [r for r in results if r["outcome"] != "passed"]
    for i in excluded:
        print("EXCLUDED         %s: %s" % (i, EXCLUDED[i]))
    for r in failed:
        print("%-7s          %s (details above)" % (r["outcome"].upper(), r["id"]))
    from importlib.metadata import version
    print("\noslo.messaging %s functional suite against Fjord: %d tests, %d run, %d passed, %d failed, "
          "%d excluded; %d with a Fjord server or listener; %.1f s with %d workers; options %s"
          % (version("oslo.messaging"), len(ids), len(results), len(results) - len(failed), len(failed),
             len(excluded), sum(1 for r in results if r["fjord"]), time.monotonic() - started, args.workers,
             options or "oslo's defaults"))
    not_run = len(ids) - len(excluded) - len(results)
    if not_run:
        print("%d tests did not run: their workers exited" % not_run)
    return 1 if failed or not_run else 0


if __name__ == "__main__":
    sys.exit(main())
