package io.fjord.notify;

/** The notification contract on the in-process memory:// transport. */
class MemoryNotificationTest extends AbstractNotificationContractTest {
  @Override
  protected String transportUrl() {
    return "memory://";
  }
}
