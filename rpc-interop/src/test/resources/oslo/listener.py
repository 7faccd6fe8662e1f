"""oslo.messaging NotificationListeners for Fjord's interop tests.

    listener.py --url URL --control-exchange X --target [EXCHANGE]:TOPIC [--target ...]
                --listener LABEL[:POOL] [--listener ...]

Starts one oslo notification listener per --listener (with that pool, or none), each on every
--target (an empty EXCHANGE means the control exchange) with an endpoint for all seven priorities.
Prints {"event": "queue", ...} for every queue declared, {"event": "ready"} once all listen, and
for every notification received:

  {"event": "notification", "listener": LABEL, "priority": "info", "ctxt": {...},
   "publisher_id": ..., "event_type": ..., "payload": ..., "metadata": {...}}
"""

import oslo_messaging

import interop_common as common


class Endpoint(object):
    def __init__(self, label):
        self.label = label

    def _record(self, priority, ctxt, publisher_id, event_type, payload, metadata):
        common.emit(event="notification", listener=self.label, priority=priority, ctxt=ctxt,
                    publisher_id=publisher_id, event_type=event_type, payload=payload,
                    payload_types=common.describe_types(payload), metadata=metadata)

    def audit(self, ctxt, publisher_id, event_type, payload, metadata):
        self._record("audit", ctxt, publisher_id, event_type, payload, metadata)

    def debug(self, ctxt, publisher_id, event_type, payload, metadata):
        self._record("debug", ctxt, publisher_id, event_type, payload, metadata)

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self._record("info", ctxt, publisher_id, event_type, payload, metadata)

    def warn(self, ctxt, publisher_id, event_type, payload, metadata):
        self._record("warn", ctxt, publisher_id, event_type, payload, metadata)

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        self._record("error", ctxt, publisher_id, event_type, payload, metadata)

    def critical(self, ctxt, publisher_id, event_type, payload, metadata):
        self._record("critical", ctxt, publisher_id, event_type, payload, metadata)

    def sample(self, ctxt, publisher_id, event_type, payload, metadata):
        self._record("sample", ctxt, publisher_id, event_type, payload, metadata)


def main():
    parser = common.base_parser(__doc__)
    parser.add_argument("--target", action="append", required=True, help="[EXCHANGE]:TOPIC")
    parser.add_argument("--listener", action="append", required=True, help="LABEL[:POOL]")
    args = parser.parse_args()
    conf = common.configure(args)
    common.report_declared_queues()
    transport = oslo_messaging.get_notification_transport(conf, url=args.url)
    targets = []
    for spec in args.target:
        exchange, topic = spec.split(":")
        targets.append(oslo_messaging.Target(exchange=exchange or None, topic=topic))
    listeners = []
    for spec in args.listener:
        label, _, pool = spec.partition(":")
        listener = oslo_messaging.get_notification_listener(transport, targets, [Endpoint(label)],
                                                            executor="threading", pool=pool or None)
        listener.start()
        listeners.append(listener)
    common.emit(event="ready", listeners=args.listener)

    common.run_until_done(args.lifetime)
    common.stop_all(listeners)
    transport.cleanup()
    common.emit(event="stopped")


if __name__ == "__main__":
    main()
