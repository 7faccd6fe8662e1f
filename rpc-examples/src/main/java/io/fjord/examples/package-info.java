/**
 * Runnable examples of the three call patterns, versioned APIs, errors, notifications and brokers; the
 * README's demo. May use the public API of {@code io.fjord.rpc} and {@code io.fjord.notify} only.
 */
package io.fjord.examples;
