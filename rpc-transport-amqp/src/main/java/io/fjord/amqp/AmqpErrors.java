package io.fjord.amqp;

import com.rabbitmq.client.ShutdownSignalException;
import io.fjord.rpc.TransportException;

/**
 * The one place where amqp-client's exceptions become Fjord's: callers outside this package never
 * see a {@code com.rabbitmq} type.
 */
final class AmqpErrors {
  private AmqpErrors() {
  }

  /** The shutdown signal behind {@code t}, if any. */
  static ShutdownSignalException signal(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ShutdownSignalException s) {
        return s;
      }
    }
    return null;
  }

  /** The broker's reply text of the channel or connection close behind {@code t}, or null. */
  static String replyText(Throwable t) {
    ShutdownSignalException s = signal(t);
    if (s != null && s.getReason() instanceof com.rabbitmq.client.AMQP.Channel.Close c) {
      return c.getReplyText();
    }
    if (s != null && s.getReason() instanceof com.rabbitmq.client.AMQP.Connection.Close c) {
      return c.getReplyText();
    }
    return null;
  }

  /** The broker's reply code (e.g. 406, 405, 541) behind {@code t}, or 0. */
  static int replyCode(Throwable t) {
    ShutdownSignalException s = signal(t);
    if (s != null && s.getReason() instanceof com.rabbitmq.client.AMQP.Channel.Close c) {
      return c.getReplyCode();
    }
    if (s != null && s.getReason() instanceof com.rabbitmq.client.AMQP.Connection.Close c) {
      return c.getReplyCode();
    }
    return 0;
  }

  /** True when {@code t} is an RPC that got no answer in time: its channel can no longer be trusted. */
  static boolean isTimeout(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof com.rabbitmq.client.ChannelContinuationTimeoutException
          || c instanceof java.util.concurrent.TimeoutException) {
        return true;
      }
      String m = c.getMessage();
      if (m != null && m.contains("Timed out waiting for an RPC reply")) {
        return true;
      }
    }
    return false;
  }

  /** True when {@code t} means the connection (not just a channel) is gone. */
  static boolean isConnectionLevel(Throwable t) {
    ShutdownSignalException s = signal(t);
    return s == null || s.isHardError();
  }

  /** A short, password-free description: the broker's reply text when there is one. */
  static String describe(Throwable t) {
    ShutdownSignalException s = signal(t);
    if (s != null && s.getReason() != null) {
      String reason = s.getReason().toString();
      int i = reason.indexOf("reply-text=");
      if (i >= 0) {
        String text = reason.substring(i + "reply-text=".length());
        int end = text.indexOf(", class-id");
        return end > 0 ? text.substring(0, end) : text;
      }
      return reason;
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m;
  }

  static TransportException translate(String what, Throwable t) {
    if (isAccessDenied(t)) {
      return new io.fjord.rpc.BrokerAccessDeniedException(what + ": access denied (check the user, password and the "
          + "user's permissions on the virtual host): " + describe(t), t);
    }
    return new TransportException(what + ": " + describe(t), t);
  }

  /**
   * As {@link #translate(String, Throwable)}, adding {@code tlsHint} (see {@link ClientCertificates#refusalHint})
   * when the broker broke the connection off, as it does when it refuses a client certificate: the
   * alert or reset alone does not say why. {@code tlsHint} may be null.
   */
  static TransportException translate(String what, Throwable t, String tlsHint) {
    if (tlsHint == null || isAccessDenied(t) || !isBrokenOffByBroker(t)) {
      return translate(what, t);
    }
    return new TransportException(what + ": " + describe(t) + " (" + tlsHint + ")", t);
  }

  /** A TLS alert from the broker, a reset or an end of stream; not a connection refused or a local check. */
  private static boolean isBrokenOffByBroker(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.net.ConnectException || c instanceof java.net.NoRouteToHostException) {
        return false;
      }
      if (c instanceof java.net.SocketException || c instanceof java.io.EOFException
          || c instanceof javax.net.ssl.SSLException && String.valueOf(c.getMessage()).startsWith("Received fatal alert")) {
        return true;
      }
    }
    return false;
  }

  /** Wrong credentials (ACCESS_REFUSED at login) or no access to the virtual host (NOT_ALLOWED). */
  static boolean isAccessDenied(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof com.rabbitmq.client.AuthenticationFailureException
          || c instanceof com.rabbitmq.client.PossibleAuthenticationFailureException) {
        return true;
      }
      String m = c.getMessage();
      if (m != null && (m.contains("ACCESS_REFUSED") || m.contains("NOT_ALLOWED"))) {
        return true;
      }
    }
    return false;
  }
}
