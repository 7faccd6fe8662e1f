"""An oslo.messaging RPC server for Fjord's interop tests.

    rpc_server.py --url URL --control-exchange X --target [EXCHANGE]:TOPIC:SERVER[:noping] [--target ...]

Starts one oslo RPC server per --target (an empty EXCHANGE means the control exchange), all on one
transport, with rpc_ping_enabled (not for a target ending in :noping), the threading executor and these
endpoints:

  namespace 'interop' version 1.3: echo, whoami, add, context, record, boom_builtin, boom_custom,
      slow, parse_datetime, send_datetime, _private
  namespace 'interop' version 2.1: echo
  no namespace, version 1.0: oslo_rpc_server_ping (oslo's own ping endpoint; not with :noping)

Prints {"event": "queue", ...} for every queue it declares, {"event": "ready", ...} once every
server started, {"event": "invoked", ...} when record() runs (so casts can be observed), and
{"event": "stopped"} on the way out.
"""

import datetime
import time

import oslo_messaging
from oslo_context import context as oslo_context
from oslo_utils import timeutils

import fjord_interop_exc
import interop_common as common


class InteropV1(object):
    target = oslo_messaging.Target(namespace="interop", version="1.3")

    def __init__(self, server):
        self.server = server

    def echo(self, ctxt, value):
        return {"you_sent": value, "types": common.describe_types(value), "server": self.server}

    def whoami(self, ctxt):
        return self.server

    def add(self, ctxt, a, b):
        return a + b

    def context(self, ctxt):
        # what oslo.context makes of the context the caller sent, as an OpenStack service would
        rebuilt = oslo_context.RequestContext.from_dict(ctxt)
        return {"ctxt": ctxt, "oslo_context": {"request_id": rebuilt.request_id, "user_id": rebuilt.user_id,
                                               "project_id": rebuilt.project_id, "roles": rebuilt.roles,
                                               "is_admin": rebuilt.is_admin}}

    def record(self, ctxt, tag):
        common.emit(event="invoked", server=self.server, method="record", tag=tag, ctxt=ctxt)

    def boom_builtin(self, ctxt, message):
        raise ValueError(message)

    def boom_custom(self, ctxt, message, code):
        raise fjord_interop_exc.InteropError(message, code=code)

    def slow(self, ctxt, seconds):
        time.sleep(seconds)
        return "slept %s" % seconds

    def parse_datetime(self, ctxt, value):
        # how OpenStack code reads a datetime that travelled as oslo writes it
        parsed = timeutils.parse_strtime(value)
        return {"year": parsed.year, "month": parsed.month, "day": parsed.day, "hour": parsed.hour,
                "minute": parsed.minute, "second": parsed.second, "microsecond": parsed.microsecond}

    def send_datetime(self, ctxt):
        # oslo's serializer turns this into '2024-01-02T03:04:05.000006' in the reply
        return {"when": datetime.datetime(2024, 1, 2, 3, 4, 5, 6)}

    def _private(self, ctxt):
        return "never callable"


class InteropV2(object):
    target = oslo_messaging.Target(namespace="interop", version="2.1")

    def __init__(self, server):
        self.server = server

    def echo(self, ctxt, value):
        return {"v2": value, "server": self.server}


def main():
    parser = common.base_parser(__doc__)
    parser.add_argument("--target", action="append", required=True, help="[EXCHANGE]:TOPIC:SERVER[:noping]")
    args = parser.parse_args()
    conf = common.configure(args)
    conf.register_opts(oslo_messaging.rpc.dispatcher._dispatcher_opts)
    conf.set_override("rpc_ping_enabled", True)
    common.report_declared_queues()

    transport = oslo_messaging.get_rpc_transport(conf, url=args.url)
    servers = []
    for spec in args.target:
        exchange, topic, server, *flags = spec.split(":")
        # oslo's dispatcher reads rpc_ping_enabled from the global CONF when the server is made
        conf.set_override("rpc_ping_enabled", "noping" not in flags)
        target = oslo_messaging.Target(exchange=exchange or None, topic=topic, server=server)
        rpc = oslo_messaging.get_rpc_server(transport, target, [InteropV1(server), InteropV2(server)],
                                            executor="threading")
        rpc.start()
        servers.append((server, rpc))
    common.emit(event="ready", servers=[name for name, _ in servers])

    common.run_until_done(args.lifetime)
    common.stop_all([rpc for _, rpc in servers])
    transport.cleanup()
    common.emit(event="stopped")


if __name__ == "__main__":
    main()
