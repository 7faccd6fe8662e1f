package io.fjord.testkit;

import io.fjord.rpc.Transport;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link FjordTest}: resolves {@link FjordKit} and {@link Transport}
 * parameters with one kit per test method, closed (and its names deleted) after the test.
 */
public final class FjordExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FjordExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == FjordKit.class || type == Transport.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    FjordKit kit = kit(context);
    return parameter.getParameter().getType() == Transport.class ? kit.transport() : kit;
  }

  /** The kit of the current test (created on first use). */
  static FjordKit kit(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    return store.getOrComputeIfAbsent("kit", k -> {
      boolean allowMemory = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), FjordTest.class)
          .map(FjordTest::allowMemory).orElse(false);
      try {
        return new FjordKit(TestBrokers.url(allowMemory));
      } catch (IllegalStateException e) {
        throw new ParameterResolutionException(e.getMessage(), e);
      }
    }, FjordKit.class);
  }
}
