package io.fjord.rpc.spi;

/** Receives the messages of a transport's reply queue; called on a driver thread, MUST NOT block. */
public interface ReplyHandler {

  /** A reply or heartbeat arrived. The handler acknowledges it. */
  void onReply(IncomingMessage message);

  /**
   * The reply consumer's connection was lost: replies already sent may never arrive. The driver
   * keeps trying to restore the queue and consumer; new calls work once it is back.
   */
  void onReplyPathLost(Throwable cause);

  /**
   * The driver gave up the reply queue it returned from {@link Driver#openReplyQueue} (the
   * broker would not deliver from it again) and now consumes {@code queue} instead: requests sent from
   * now on MUST name it. Calls waiting on the old one were failed through {@link #onReplyPathLost}.
   */
  default void onReplyQueueMoved(String queue) {
  }
}
