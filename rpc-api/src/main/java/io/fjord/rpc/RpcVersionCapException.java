package io.fjord.rpc;

/**
 * A message asked for a version above the client's version cap; raised before anything is sent,
 * as oslo's {@code RPCVersionCapError}.
 */
public class RpcVersionCapException extends MessagingException {
  private static final long serialVersionUID = 1L;

  private final String version;
  private final String versionCap;

  public RpcVersionCapException(String message, String version, String versionCap) {
    super(message);
    this.version = version;
    this.versionCap = versionCap;
  }

  /** The requested version. */
  public String version() {
    return version;
  }

  /** The cap it exceeds. */
  public String versionCap() {
    return versionCap;
  }
}
