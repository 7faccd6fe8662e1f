/**
 * oslo-style notifications: {@link io.fjord.notify.Notifier} with its notification drivers
 * ({@code messagingv2}, {@code messaging}, {@code log}, {@code noop}, or one's own through
 * {@link io.fjord.rpc.Transport#publishNotification}), and {@link io.fjord.notify.NotificationListener} with
 * per-priority endpoints, filters, pools, requeue and batches.
 *
 * <p>May use: the API of {@code io.fjord.rpc} ({@code wire} for the bodies, {@code spi} for deliveries) and
 * its {@code internal} package (exported to this module alone).
 */
package io.fjord.notify;
