"""An oslo.messaging Notifier for Fjord's interop tests, scripted through stdin.

    notifier.py --url URL --control-exchange X

Reads one JSON command per stdin line, sends the notification and prints one JSON line with its id:

  {"id": 1, "driver": "messagingv2" | "messaging", "topics": ["t"], "publisher_id": "p",
   "priority": "info", "event_type": "e", "payload": {...}, "ctxt": {...}}
  -> {"id": 1, "ok": true}

Notifications go to the control exchange, routed <topic>.<priority>, after oslo's notifier declared
the queue <topic>.<priority> (reported as {"event": "notify_queue", ...}). Prints {"event": "ready"}
once it reads commands.
"""

import oslo_messaging

import interop_common as common

PRIORITIES = ("audit", "debug", "info", "warn", "error", "critical", "sample")


def main():
    args = common.base_parser(__doc__).parse_args()
    conf = common.configure(args)
    transport = oslo_messaging.get_notification_transport(conf, url=args.url)
    notifiers = {}

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
        getattr(notifier, priority)(cmd.get("ctxt", {}), cmd["event_type"], common.decode(cmd.get("payload")))
        common.emit(id=cmd["id"], ok=True)

    common.emit(event="ready")
    common.run_until_done(args.lifetime, on_line=run)
    transport.cleanup()
    common.emit(event="stopped")


if __name__ == "__main__":
    main()
