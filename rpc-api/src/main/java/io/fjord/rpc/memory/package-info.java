/**
 * The in-process driver, {@code memory://} (alias {@code fake://}): oslo's exchanges, queues and routing in
 * the JVM, for embedded use and fast tests. A driver like any other: may use {@code io.fjord.rpc} and
 * {@code spi} (plus {@code wire}'s id generator), nothing above the SPI.
 */
package io.fjord.rpc.memory;
