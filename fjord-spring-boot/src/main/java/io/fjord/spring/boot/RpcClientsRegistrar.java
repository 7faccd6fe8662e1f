package io.fjord.spring.boot;

import io.fjord.rpc.annotation.RpcApi;
import java.util.LinkedHashSet;
import java.util.Set;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/** Registers the proxy beans of {@link ImportRpcClients}; each is made by {@link FjordRpcClients#proxy}. */
final class RpcClientsRegistrar implements ImportBeanDefinitionRegistrar, BeanFactoryAware, EnvironmentAware,
    ResourceLoaderAware {
  private BeanFactory beanFactory;
  private Environment environment;
  private ResourceLoader resourceLoader;

  @Override
  public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
    this.beanFactory = beanFactory;
  }

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void setResourceLoader(ResourceLoader resourceLoader) {
    this.resourceLoader = resourceLoader;
  }

  @Override
  public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    // the annotation metadata of a class does not unwrap repeated annotations on its own
    for (AnnotationAttributes a : metadata.getMergedRepeatableAnnotationAttributes(ImportRpcClients.class,
        ImportRpcClients.Container.class, false)) {
      register(a, registry);
    }
  }

  private void register(AnnotationAttributes a, BeanDefinitionRegistry registry) {
    String group = a.getString("group");
    Set<Class<?>> types = new LinkedHashSet<>();
    for (Class<?> type : a.getClassArray("types")) {
      types.add(type);
    }
    Set<String> packages = new LinkedHashSet<>();
    for (String p : a.getStringArray("basePackages")) {
      packages.add(p);
    }
    for (Class<?> c : a.getClassArray("basePackageClasses")) {
      packages.add(c.getPackageName());
    }
    for (String p : packages) {
      types.addAll(scan(p));
    }
    for (Class<?> type : types) {
      if (!type.isInterface() || !type.isAnnotationPresent(RpcApi.class)) {
        throw new IllegalStateException("@ImportRpcClients(group = \"" + group + "\") names " + type.getName()
            + ", which is not an interface annotated @RpcApi");
      }
      String name = "fjord.client." + group + "." + type.getName();
      if (registry.containsBeanDefinition(name)) {
        continue;
      }
      registry.registerBeanDefinition(name, definition(group, type));
    }
  }

  private <T> RootBeanDefinition definition(String group, Class<T> type) {
    BeanFactory factory = beanFactory;
    RootBeanDefinition definition = new RootBeanDefinition(type,
        () -> factory.getBean(FjordRpcClients.class).proxy(group, type));
    definition.setRole(BeanDefinition.ROLE_APPLICATION);
    // an endpoint bean may implement the same interface (one contract for both sides): injecting the
    // interface means calling the service
    definition.setPrimary(true);
    return definition;
  }

  private Set<Class<?>> scan(String basePackage) {
    ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false,
        environment) {
      @Override
      protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
        return definition.getMetadata().isInterface() && definition.getMetadata().isIndependent();
      }
    };
    scanner.setResourceLoader(resourceLoader);
    scanner.addIncludeFilter(new AnnotationTypeFilter(RpcApi.class, false, true));
    Set<Class<?>> found = new LinkedHashSet<>();
    ClassLoader loader = resourceLoader != null ? resourceLoader.getClassLoader() : null;
    for (BeanDefinition d : scanner.findCandidateComponents(basePackage)) {
      found.add(ClassUtils.resolveClassName(d.getBeanClassName(), loader));
    }
    return found;
  }
}
