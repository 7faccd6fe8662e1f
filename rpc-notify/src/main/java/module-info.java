/** oslo-style notifications: the Notifier, notification drivers and the NotificationListener. */
module io.fjord.notify {
  requires transitive io.fjord.rpc;
  requires org.slf4j;

  exports io.fjord.notify;
}
