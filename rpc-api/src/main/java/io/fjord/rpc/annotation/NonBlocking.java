package io.fjord.rpc.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that an endpoint method, or every method of an endpoint class, never blocks: it does no I/O,
 * waits on no lock, future or blocking call, and returns in microseconds (or returns a
 * {@link java.util.concurrent.CompletionStage} at once). An {@link io.fjord.rpc.server.RpcServer} runs such
 * a method, with its server interceptors, on the driver's delivery thread instead of handing the request to
 * its executor: no thread hand-off and no wake-up per request (measured in the README's Benchmarks section).
 *
 * <p>The delivery thread is shared by every request of the server's queues: while a non-blocking method runs,
 * the next request waits. A method that blocks anyway stalls the whole server for as long as it blocks, and
 * a blocking {@code RpcClient.call} made from it may wait for a reply that this thread would have to
 * deliver. When in doubt, leave it off: the executor is the safe default.
 *
 * <p>On an interface method of a shared {@link RpcApi} interface the annotation applies to its
 * implementations as well; on a class, to the methods the class declares.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface NonBlocking {
}
