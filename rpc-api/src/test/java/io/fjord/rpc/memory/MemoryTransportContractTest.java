package io.fjord.rpc.memory;

import io.fjord.rpc.testing.AbstractTransportContractTest;

/** The transport contract on the in-process {@code memory://} driver. */
class MemoryTransportContractTest extends AbstractTransportContractTest {

  @Override
  protected String transportUrl() {
    return "memory://";
  }
}
