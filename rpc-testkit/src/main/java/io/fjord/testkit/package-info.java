/**
 * JUnit 5 support for applications built on Fjord: {@code @FjordTest} gives each test a {@link
 * io.fjord.testkit.FjordKit} (its transport, its own names, clean-up of what it declared on the broker), and
 * recorders for calls and notifications. May use the public API of {@code io.fjord.rpc} and
 * {@code io.fjord.notify}, and {@code io.fjord.testbroker} to find a broker.
 */
package io.fjord.testkit;
