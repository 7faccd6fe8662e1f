/**
 * Micrometer metrics for Fjord: interceptors for clients and servers, a metered notification driver and a
 * listener observer. May use the public API of {@code io.fjord.rpc} and {@code io.fjord.notify} only.
 */
package io.fjord.micrometer;
