/**
 * How arguments, results and payloads become JSON trees and back: {@code PayloadSerializer} and its
 * Jackson implementation. May use nothing of Fjord; used by {@code client}, {@code server} and notifications.
 */
package io.fjord.rpc.serializer;
