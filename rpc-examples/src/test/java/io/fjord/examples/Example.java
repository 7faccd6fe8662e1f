package io.fjord.examples;

import java.io.PrintStream;

/** An example's core, as its tests run it: on {@code url}, with names made from {@code id}. */
@FunctionalInterface
interface Example {
  boolean run(String url, String id, PrintStream out) throws Exception;
}
