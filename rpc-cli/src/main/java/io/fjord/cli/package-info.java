/**
 * The {@code fjord} command line: call, cast, ping, serve, notify and listen against any transport URL.
 * May use the public API of {@code io.fjord.rpc} and {@code io.fjord.notify} only.
 */
package io.fjord.cli;
