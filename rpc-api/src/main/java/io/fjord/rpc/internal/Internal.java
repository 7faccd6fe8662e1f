package io.fjord.rpc.internal;

import io.fjord.rpc.Transport;
import java.util.function.Function;

/**
 * Bridge from the public {@link Transport} to its {@link TransportCore} for Fjord's own packages,
 * without a public accessor on Transport. Not an API.
 */
public final class Internal {
  private Internal() {
  }

  private static volatile Function<Transport, TransportCore> coreAccessor;

  /** Called once by Transport's static initializer. */
  public static void setCoreAccessor(Function<Transport, TransportCore> accessor) {
    coreAccessor = accessor;
  }

  /** The core of an open transport. */
  public static TransportCore core(Transport transport) {
    // an instance exists, so Transport's static initializer has run and set the accessor
    return coreAccessor.apply(java.util.Objects.requireNonNull(transport, "transport"));
  }
}
