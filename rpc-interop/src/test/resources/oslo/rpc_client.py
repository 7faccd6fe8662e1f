"""An oslo.messaging RPC client for Fjord's interop tests, scripted through stdin.

    rpc_client.py --url URL --control-exchange X [--allowed-exmod MODULE ...]

Reads one JSON command per stdin line, runs it, and prints one JSON result line with the same id:

  {"id": 1, "op": "call" | "cast",
   "target": {"topic": T, "server": S, "exchange": X, "namespace": N, "version": V, "fanout": false},
   "method": "echo", "args": {...}, "ctxt": {...} | "oslo_context": {RequestContext kwargs},
   "timeout": 10, "call_monitor_timeout": 2, "exmods": true}

"args_json" (a string of Python-flavoured JSON, e.g. '{"value": NaN}') may replace "args".

  -> {"id": 1, "ok": true, "result": ..., "elapsed": 0.01}
  -> {"id": 1, "ok": false, "exc_class": "RemoteError", "exc_module": ..., "exc_str": ..., ...}

"exmods": true uses a transport with allowed_remote_exmods (fjord_interop_exc plus --allowed-exmod),
false one without. Prints {"event": "queue", ...} for the reply queues it declares and
{"event": "ready"} once it reads commands.
"""

import json
import time

import oslo_messaging
from oslo_context import context as oslo_context

import interop_common as common

TARGET_KEYS = ("topic", "server", "exchange", "namespace", "version", "fanout")


def main():
    parser = common.base_parser(__doc__)
    parser.add_argument("--allowed-exmod", action="append", default=[])
    args = parser.parse_args()
    conf = common.configure(args)
    common.report_declared_queues()

    transports = {
        True: oslo_messaging.get_rpc_transport(conf, url=args.url,
                                               allowed_remote_exmods=["fjord_interop_exc"] + args.allowed_exmod),
        False: oslo_messaging.get_rpc_transport(conf, url=args.url),
    }

    def run(cmd):
        transport = transports[bool(cmd.get("exmods", True))]
        target = oslo_messaging.Target(**{k: v for k, v in cmd.get("target", {}).items() if k in TARGET_KEYS})
        client = oslo_messaging.get_rpc_client(transport, target, timeout=cmd.get("timeout", 30),
                                               call_monitor_timeout=cmd.get("call_monitor_timeout"))
        if "oslo_context" in cmd:
            ctxt = oslo_context.RequestContext(**cmd["oslo_context"])
        else:
            ctxt = cmd.get("ctxt", {})
        # "args_json" carries what strict JSON cannot, e.g. NaN, as Python's json reads it
        kwargs = common.decode(json.loads(cmd["args_json"]) if "args_json" in cmd else cmd.get("args", {}))
        start = time.monotonic()
        try:
            if cmd["op"] == "call":
                result = client.call(ctxt, cmd["method"], **kwargs)
            elif cmd["op"] == "cast":
                result = client.cast(ctxt, cmd["method"], **kwargs)
            else:
                raise ValueError("unknown op %r" % cmd["op"])
            common.emit(id=cmd["id"], ok=True, result=result, types=common.describe_types(result),
                        elapsed=time.monotonic() - start)
        except Exception as e:
            common.emit(id=cmd["id"], ok=False, elapsed=time.monotonic() - start, **common.exception_fields(e))

    common.emit(event="ready")
    common.run_until_done(args.lifetime, on_line=run)
    for t in transports.values():
        t.cleanup()
    common.emit(event="stopped")


if __name__ == "__main__":
    main()
