"""An oslo.messaging Notifier for Fjord's interop tests, scripted through stdin.

    notifier.py --url URL --control-exchange X

Reads one JSON command per stdin line, sends the notification and prints one JSON line with its id:

  {"id": 1, "driver": "messagingv2" | "messaging", "topics": ["t"], "publisher_id": "p",
   "priority": "info", "event_type": "e", "payload": {...}, "ctxt": {...} | "oslo_context": {kwargs}}
  -> {"id": 1, "ok": true, "ctxt_sent": {...}}
  -> {"id": 1, "ok": false, "error": "..."}

"oslo_context" sends an oslo_context.context.RequestContext(**kwargs) instead of a dict. "ctxt_sent"
is the context as oslo put it on the wire: its Notifier sanitizes the context first, and how changed
between versions (14.0.3 keeps a dict's safe keys; 16.1 sends {} for a dict and a RequestContext's
redacted_copy()). "ok" is false when oslo failed to send, which its notifier only logs.

Notifications go to the control exchange, routed <topic>.<priority>, after oslo's notifier declared
the queue <topic>.<priority> (reported as {"event": "notify_queue", ...}). Prints {"event": "ready"}
once it reads commands.
"""

import oslo_messaging
from oslo_context import context as oslo_context

import interop_common as common

PRIORITIES = ("audit", "debug", "info", "warn", "error", "critical", "sample")


def main():
    args = common.base_parser(__doc__).parse_args()
    conf = common.configure(args)
    transport = oslo_messaging.get_notification_transport(conf, url=args.url)
    notifiers = {}
    sent = {}
    send_notification = transport._send_notification

    def record_send(target, ctxt, message, **kwargs):
        # what the messaging driver hands the transport is what goes on the wire (as _context_* keys)
        sent["ctxt"] = ctxt if isinstance(ctxt, dict) else ctxt.to_dict()
        try:
            return send_notification(target, ctxt, message, **kwargs)
        except Exception as e:
            sent["error"] = repr(e)
            raise

    transport._send_notification = record_send

    def run(cmd):
        key = (cmd["driver"], tuple(cmd["topics"]), cmd.get("publisher_id"))
        notifier = notifiers.get(key)
        if notifier is None:
            notifier = oslo_messaging.Notifier(transport, publisher_id=cmd.get("publisher_id"), driver=cmd["driver"],
                                               topics=list(cmd["topics"]), retry=0)
            notifiers[key] = notifier
        priority = cmd["priority"]
        if priority not in PRIORITIES:
            raise ValueError("unknown priority %r" % priority)
        for topic in cmd["topics"]:
            common.emit(event="notify_queue", name="%s.%s" % (topic, priority))
        if "oslo_context" in cmd:
            ctxt = oslo_context.RequestContext(**cmd["oslo_context"])
        else:
            ctxt = cmd.get("ctxt", {})
        sent.clear()
        getattr(notifier, priority)(ctxt, cmd["event_type"], common.decode(cmd.get("payload")))
        if "error" in sent or "ctxt" not in sent:
            common.emit(id=cmd["id"], ok=False, error=sent.get("error", "oslo's notifier sent nothing"))
        else:
            common.emit(id=cmd["id"], ok=True, ctxt_sent=sent["ctxt"])

    common.emit(event="ready")
    common.run_until_done(args.lifetime, on_line=run)
    transport.cleanup()
    common.emit(event="stopped")


if __name__ == "__main__":
    main()
