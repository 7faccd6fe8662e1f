package io.fjord.rpc;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed transport URL in oslo.messaging's grammar:
 * {@code scheme://[user[:pass]@]host[:port][,[user[:pass]@]host[:port]...]/[vhost][?k=v&...]}.
 *
 * <ul>
 *   <li>user, password and virtual host are percent-decoded ({@code p%40ss} is {@code p@ss}); the
 *       credentials end at the last {@code @} of a host;</li>
 *   <li>hosts keep the URL's order; a missing port is reported as {@code -1} and drivers apply
 *       their default ({@link Host#portOr(int)});</li>
 *   <li>the virtual host is {@code /} when the path is empty, {@code /}, {@code //} or {@code /%2F};</li>
 *   <li>query options keep their order; a repeated name joins its values with {@code ,} as oslo does.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows a password: passwords, and query
 * values whose name mentions a password, secret or token, print as {@code ****}.
 */
public final class TransportUrl {

  /** One broker address of the URL. */
  public record Host(String hostname, int port, String username, String password) {
    public Host {
      Objects.requireNonNull(hostname, "hostname");
    }

    /** The port, or {@code defaultPort} when the URL gave none. */
    public int portOr(int defaultPort) {
      return port > 0 ? port : defaultPort;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      if (username != null) {
        sb.append(encode(username));
        if (password != null) {
          sb.append(":****");
        }
        sb.append('@');
      }
      sb.append(hostname.contains(":") ? "[" + hostname + "]" : hostname);
      if (port > 0) {
        sb.append(':').append(port);
      }
      return sb.toString();
    }
  }

  private final String scheme;
  private final List<Host> hosts;
  private final String virtualHost;
  private final Map<String, String> options;

  private TransportUrl(String scheme, List<Host> hosts, String virtualHost, Map<String, String> options) {
    this.scheme = scheme;
    this.hosts = List.copyOf(hosts);
    this.virtualHost = virtualHost;
    this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  /**
   * Parses a transport URL.
   *
   * @throws IllegalArgumentException with the reason and the (redacted) input when it does not parse
   */
  public static TransportUrl parse(String url) {
    Objects.requireNonNull(url, "url");
    int schemeEnd = url.indexOf("://");
    if (schemeEnd <= 0) {
      throw new IllegalArgumentException("Invalid transport URL '" + redactRaw(url)
          + "': expected scheme://[user[:pass]@]host[:port][,...]/[vhost][?k=v&...], e.g. rabbit://guest:guest@localhost:5672/");
    }
    String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    String rest = url.substring(schemeEnd + 3);

    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String netloc = rest;
    String path = null;
    // the host list ends at the first '/' after the last '@' (a password may contain a raw '/')
    int at = rest.lastIndexOf('@');
    int slash = rest.indexOf('/', Math.max(at, 0));
    if (slash >= 0) {
      netloc = rest.substring(0, slash);
      path = rest.substring(slash + 1);
    }

    List<Host> hosts = new ArrayList<>();
    if (!netloc.isEmpty()) {
      for (String spec : netloc.split(",", -1)) {
        hosts.add(parseHost(spec, url));
      }
    }

    String vhost;
    if (path == null || path.isEmpty()) {
      vhost = "/";
    } else {
      vhost = decode(path, url);
      if (vhost.isEmpty()) {
        vhost = "/";
      }
    }

    Map<String, String> options = new LinkedHashMap<>();
    if (query != null && !query.isEmpty()) {
      for (String pair : query.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq), url);
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1), url);
        options.merge(name, value, (a, b) -> a + "," + b);
      }
    }
    return new TransportUrl(scheme, hosts, vhost, options);
  }

  private static Host parseHost(String spec, String url) {
    if (spec.isEmpty()) {
      throw new IllegalArgumentException("Invalid transport URL '" + redactRaw(url) + "': empty host in host list");
    }
    String user = null;
    String pass = null;
    int at = spec.lastIndexOf('@');
    String hostPort = spec;
    if (at >= 0) {
      String cred = spec.substring(0, at);
      hostPort = spec.substring(at + 1);
      int colon = cred.indexOf(':');
      user = decode(colon < 0 ? cred : cred.substring(0, colon), url);
      pass = colon < 0 ? null : decode(cred.substring(colon + 1), url);
    }
    String hostname;
    String portText = null;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("Invalid transport URL '" + redactRaw(url) + "': unclosed '[' in IPv6 host");
      }
      hostname = hostPort.substring(1, close);
      String after = hostPort.substring(close + 1);
      if (after.startsWith(":")) {
        portText = after.substring(1);
      } else if (!after.isEmpty()) {
        throw new IllegalArgumentException("Invalid transport URL '" + redactRaw(url) + "': junk after IPv6 host");
      }
    } else {
      int colon = hostPort.lastIndexOf(':');
      hostname = colon < 0 ? hostPort : hostPort.substring(0, colon);
      portText = colon < 0 ? null : hostPort.substring(colon + 1);
    }
    if (hostname.isEmpty()) {
      throw new IllegalArgumentException("Invalid transport URL '" + redactRaw(url) + "': missing host name");
    }
    int port = -1;
    if (portText != null && !portText.isEmpty()) {
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        port = 0;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("Invalid transport URL '" + redactRaw(url) + "': port '" + portText
            + "' of host " + hostname + " is not a number from 1 to 65535");
      }
    }
    return new Host(hostname, port, user, pass);
  }

  private static String decode(String s, String url) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // URLDecoder's own message quotes the characters after the '%', which may be part of a password
      throw new IllegalArgumentException("Invalid transport URL '" + redactRaw(url)
          + "': bad percent-encoding (a '%' must be followed by two hex digits; write a literal '%' as %25)");
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Best-effort redaction of an input that did not parse: hides each host's text from its first
   * ':' to its last '@' (a raw '@' may be part of a password), also when the scheme is missing.
   */
  private static String redactRaw(String url) {
    int schemeEnd = url.indexOf("://");
    String head = schemeEnd < 0 ? "" : url.substring(0, schemeEnd + 3);
    String rest = schemeEnd < 0 ? url : url.substring(schemeEnd + 3);
    return head + rest.replaceAll("(^|,)([^:/@,]*):[^,]*@", "$1$2:****@");
  }

  /** Scheme in lower case, e.g. {@code rabbit} or {@code memory}. */
  public String scheme() {
    return scheme;
  }

  /** Hosts in the URL's order (empty for {@code rabbit://} or {@code memory://}). */
  public List<Host> hosts() {
    return hosts;
  }

  /** Virtual host, decoded; {@code /} by default. */
  public String virtualHost() {
    return virtualHost;
  }

  /** Query options in URL order, decoded. */
  public Map<String, String> options() {
    return options;
  }

  /** One query option. */
  public Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  /** A copy with one query option set (replacing any earlier value). */
  public TransportUrl withOption(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(options);
    copy.put(name, value);
    return new TransportUrl(scheme, hosts, virtualHost, copy);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransportUrl t && scheme.equals(t.scheme) && hosts.equals(t.hosts)
        && virtualHost.equals(t.virtualHost) && options.equals(t.options);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scheme, hosts, virtualHost, options);
  }

  /** The URL with passwords and secret-looking query values replaced by {@code ****}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(scheme).append("://");
    for (int i = 0; i < hosts.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(hosts.get(i));
    }
    sb.append('/');
    if (!virtualHost.equals("/")) {
      sb.append(encode(virtualHost));
    }
    String sep = "?";
    for (Map.Entry<String, String> e : options.entrySet()) {
      String name = e.getKey();
      String lower = name.toLowerCase(Locale.ROOT);
      boolean secret = lower.contains("password") || lower.contains("secret") || lower.contains("token");
      sb.append(sep).append(encode(name)).append('=').append(secret ? "****" : encode(e.getValue()));
      sep = "&";
    }
    return sb.toString();
  }
}
