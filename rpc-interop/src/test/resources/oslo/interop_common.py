"""Shared plumbing of the oslo.messaging peers that Fjord's interop tests drive.

Every peer speaks JSON lines on stdout (one object per line, flushed at once) and logs to
stderr. A peer exits by itself: when its --lifetime runs out, when stdin reaches EOF (the
test closed it, or the JVM died), or on SIGTERM; it stops its oslo objects gracefully first
so oslo deletes what it owns (fanout queues).

The same scripts run on Debian bookworm's oslo.messaging 14.0.3 (host, RabbitMQ 3.10) and on
trixie's 16.1.0 (in the RabbitMQ 4.x chroot): oslo's [oslo_messaging_rabbit] options travel in the
--url query (oslo reads them from there, e.g. ?rabbit_quorum_queue=true), and configure() does what
16.1 needs outside an OpenStack service (metrics options, a lock_path for use_queue_manager).

Values in commands and results cross JSON, so two conventions carry what JSON cannot:
{"$datetime": "2024-01-02T03:04:05.000006"} is a datetime.datetime on the Python side, and
on the way out datetimes are written as oslo writes them (to_primitive: '%Y-%m-%dT%H:%M:%S.%f').
"""

import argparse
import atexit
import datetime
import json
import logging
import shutil
import signal
import sys
import tempfile
import threading
import time

from oslo_config import cfg
import oslo_messaging
from oslo_messaging._drivers import impl_rabbit

_print_lock = threading.Lock()
_stop = threading.Event()


def emit(**fields):
    """Prints one JSON line on stdout."""
    line = json.dumps(fields, default=_default, sort_keys=False)
    with _print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def _default(value):
    if isinstance(value, datetime.datetime):
        return value.strftime('%Y-%m-%dT%H:%M:%S.%f')
    if isinstance(value, (set, tuple)):
        return list(value)
    return repr(value)


def decode(value):
    """Turns {"$datetime": "..."} markers into datetime objects, recursively."""
    if isinstance(value, dict):
        if set(value) == {"$datetime"}:
            return datetime.datetime.strptime(value["$datetime"], '%Y-%m-%dT%H:%M:%S.%f')
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def describe_types(value):
    """The Python type names of a decoded value, mirroring its shape."""
    if isinstance(value, dict):
        return {k: describe_types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [describe_types(v) for v in value]
    return type(value).__name__


def exception_fields(exc):
    """What a test needs to know about an exception an oslo call raised."""
    cls = type(exc)
    out = {
        "exc_class": cls.__name__,
        "exc_module": cls.__module__,
        "exc_mro": ["%s.%s" % (c.__module__, c.__name__) for c in cls.__mro__],
        "exc_str": str(exc),
        "exc_args": [a if isinstance(a, (str, int, float, bool, type(None))) else repr(a) for a in exc.args],
    }
    for attr in ("exc_type", "value", "traceback", "kwargs", "code", "msg_id"):
        if hasattr(exc, attr):
            v = getattr(exc, attr)
            out[attr] = v if isinstance(v, (str, int, float, bool, type(None), dict, list)) else repr(v)
    return out


def base_parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--url", required=True, help="transport URL, e.g. rabbit://guest:guest@localhost:5672/")
    p.add_argument("--control-exchange", required=True, help="oslo's control_exchange")
    p.add_argument("--lifetime", type=float, default=240.0, help="seconds before the peer exits by itself")
    return p


def configure(args, **overrides):
    """Sets up oslo.config on the global CONF (oslo's dispatcher reads rpc_ping_enabled from it)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    oslo_messaging.set_transport_defaults(args.control_exchange)
    _register_metrics_opts(cfg.CONF)
    _use_private_lock_path(cfg.CONF)
    cfg.CONF([], project="fjord-interop", default_config_files=[], default_config_dirs=[])
    for name, value in overrides.items():
        cfg.CONF.set_override(name, value)
    emit(event="oslo", version=_version("oslo.messaging"), kombu=_version("kombu"), python=sys.version.split()[0])
    return cfg.CONF


def _register_metrics_opts(conf):
    """oslo.messaging >= 12.x reads [oslo_messaging_metrics] in get_rpc_client; an OpenStack service
    registers those options through oslo's opts listing, a bare library user has to do it."""
    try:
        from oslo_messaging._metrics import client as metrics_client
    except ImportError:  # an oslo.messaging without metrics
        return
    opts = getattr(metrics_client, "oslo_messaging_metrics", None)
    if opts is not None:
        conf.register_opts(opts, group="oslo_messaging_metrics")


def _use_private_lock_path(conf):
    """use_queue_manager takes an oslo.concurrency file lock, which needs [oslo_concurrency]
    lock_path: a directory of this process under TMPDIR, removed on the way out."""
    try:
        from oslo_concurrency import lockutils
    except ImportError:  # oslo.messaging without oslo.concurrency has no queue manager either
        return
    lock_path = tempfile.mkdtemp(prefix="oslo-locks-")
    atexit.register(shutil.rmtree, lock_path, True)
    lockutils.set_defaults(lock_path)


def _version(distribution):
    try:
        from importlib.metadata import version
        return version(distribution)
    except Exception:  # noqa: BLE001 - only for the log
        return "unknown"


def report_declared_queues():
    """Reports every queue an oslo consumer of this process declares (reply, fanout, topic,
    notification and pool queues), so the test can delete them whatever happens."""
    original = impl_rabbit.Consumer.__init__

    def init(self, *a, **kw):
        original(self, *a, **kw)
        emit(event="queue", name=self.queue_name, exchange=self.exchange_name)

    impl_rabbit.Consumer.__init__ = init


def run_until_done(lifetime, read_stdin=True, on_line=None):
    """Blocks until the lifetime ends, stdin closes or SIGTERM arrives. Each stdin line goes to
    on_line (in order, on the calling thread's helper)."""
    signal.signal(signal.SIGTERM, lambda *_: _stop.set())
    signal.signal(signal.SIGINT, lambda *_: _stop.set())

    def reader():
        for line in sys.stdin:
            line = line.strip()
            if line and on_line is not None:
                try:
                    on_line(json.loads(line))
                except Exception as e:  # a broken command must not kill the peer
                    logging.exception("command failed: %s", line)
                    emit(event="command_error", line=line, error=repr(e))
        _stop.set()

    if read_stdin:
        threading.Thread(target=reader, name="stdin", daemon=True).start()
    deadline = time.monotonic() + lifetime
    while not _stop.is_set():
        left = deadline - time.monotonic()
        if left <= 0:
            logging.warning("lifetime of %.0f s is over; exiting", lifetime)
            break
        _stop.wait(min(left, 1.0))


def stop_all(servers):
    """Stops oslo servers or listeners at once (each stop() waits for its poll loop, ~2 s), then
    waits for their running work."""
    threads = [threading.Thread(target=s.stop) for s in servers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in servers:
        s.wait()
