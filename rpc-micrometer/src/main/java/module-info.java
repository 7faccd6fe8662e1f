/** Micrometer metrics for Fjord clients, servers, notifiers and listeners. */
module io.fjord.micrometer {
  requires transitive io.fjord.rpc;
  requires transitive io.fjord.notify;
  requires transitive micrometer.core;

  exports io.fjord.micrometer;
}
