package io.fjord.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Fjord's jars on a real module path (the other tests run on the class path): the module descriptors
 * resolve with their dependencies, both drivers are found as services, an application module sees the
 * API but not the internals, and memory:// works from inside the layer.
 */
class ModulePathIT {
  private static final List<String> FJORD = List.of("rpc-api", "rpc-notify", "rpc-transport-amqp");
  private static final List<String> THIRD_PARTY = List.of("jackson-databind", "jackson-core", "jackson-annotations",
      "slf4j-api", "amqp-client");

  /** The built jars (or class folders) of Fjord's library modules and their dependencies, from this test's class path. */
  private static Path[] modulePath() {
    List<Path> found = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(Path::of)
        .filter(p -> {
          String name = p.getFileName().toString();
          boolean fjord = FJORD.stream().anyMatch(m -> p.endsWith(Path.of(m, "target", "classes"))
              || (name.matches(m + "-\\d.*\\.jar") && !name.endsWith("-tests.jar")));
          boolean third = THIRD_PARTY.stream().anyMatch(m -> p.getFileName().toString().startsWith(m + "-"));
          return (fjord || third) && Files.exists(p);
        })
        .collect(Collectors.toList());
    assertThat(found).as("Fjord's jars and their dependencies on the class path").hasSizeGreaterThanOrEqualTo(8);
    return found.toArray(new Path[0]);
  }

  @Test
  void theLibraryModulesResolveAndProvideTheirDrivers() throws Exception {
    ModuleFinder finder = ModuleFinder.of(modulePath());
    Configuration conf = ModuleLayer.boot().configuration()
        .resolveAndBind(finder, ModuleFinder.of(), Set.of("io.fjord.rpc", "io.fjord.notify", "io.fjord.amqp"));
    ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(conf, ClassLoader.getPlatformClassLoader());

    ModuleDescriptor api = layer.findModule("io.fjord.rpc").orElseThrow().getDescriptor();
    assertThat(api.isAutomatic()).isFalse();
    assertThat(api.exports()).filteredOn(e -> e.source().equals("io.fjord.rpc.internal"))
        .singleElement().satisfies(e -> assertThat(e.targets()).containsExactly("io.fjord.notify"));
    assertThat(api.exports().stream().map(ModuleDescriptor.Exports::source))
        .contains("io.fjord.rpc", "io.fjord.rpc.client", "io.fjord.rpc.server", "io.fjord.rpc.spi", "io.fjord.rpc.wire");
    assertThat(layer.findModule("io.fjord.amqp").orElseThrow().getDescriptor().exports()).isEmpty();

    ClassLoader loader = layer.findLoader("io.fjord.rpc");
    Class<?> providerType = loader.loadClass("io.fjord.rpc.spi.DriverProvider");
    Set<String> schemes = new TreeSet<>();
    for (Object provider : ServiceLoader.load(layer, providerType)) {
      @SuppressWarnings("unchecked")
      Set<String> s = (Set<String>) providerType.getMethod("schemes").invoke(provider);
      schemes.addAll(s);
    }
    assertThat(schemes).contains("memory", "fake", "rabbit", "amqp");

    Class<?> transportType = loader.loadClass("io.fjord.rpc.Transport");
    Object transport = transportType.getMethod("open", String.class).invoke(null, "memory://module-path");
    try {
      Method capabilities = transportType.getMethod("capabilities");
      assertThat(capabilities.invoke(transport).toString()).contains("RPC", "NOTIFICATIONS");
    } finally {
      transportType.getMethod("close").invoke(transport);
    }
  }

  @Test
  void anApplicationModuleReadsTheApiButNotTheInternals() {
    ModuleFinder finder = ModuleFinder.of(modulePath());
    Configuration conf = ModuleLayer.boot().configuration()
        .resolveAndBind(finder, ModuleFinder.of(), Set.of("io.fjord.notify"));
    ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(conf, ClassLoader.getPlatformClassLoader());
    Module rpc = layer.findModule("io.fjord.rpc").orElseThrow();
    Module notify = layer.findModule("io.fjord.notify").orElseThrow();

    assertThat(rpc.isExported("io.fjord.rpc.client")).isTrue();
    assertThat(rpc.isExported("io.fjord.rpc.internal")).isFalse();
    assertThat(rpc.isExported("io.fjord.rpc.internal", notify)).isTrue();
  }
}
