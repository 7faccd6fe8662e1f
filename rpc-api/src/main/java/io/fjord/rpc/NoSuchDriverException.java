package io.fjord.rpc;

import java.util.Set;

/** No transport driver on the class path handles the URL's scheme. */
public class NoSuchDriverException extends MessagingException {
  private static final long serialVersionUID = 1L;

  private final String scheme;
  private final Set<String> installed;

  public NoSuchDriverException(String message, String scheme, Set<String> installed) {
    super(message);
    this.scheme = scheme;
    this.installed = Set.copyOf(installed);
  }

  /** The scheme that was asked for. */
  public String scheme() {
    return scheme;
  }

  /** The schemes of the installed drivers. */
  public Set<String> installedSchemes() {
    return installed;
  }
}
