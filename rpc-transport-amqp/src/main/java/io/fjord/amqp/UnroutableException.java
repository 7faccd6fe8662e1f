package io.fjord.amqp;

import io.fjord.rpc.DeliveryFailureException;

/** A mandatory message came back with basic.return: no queue was bound for it. */
final class UnroutableException extends DeliveryFailureException {
  private static final long serialVersionUID = 1L;

  UnroutableException(String message) {
    super(message);
  }
}
