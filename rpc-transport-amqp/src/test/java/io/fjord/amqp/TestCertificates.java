package io.fjord.amqp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Certificates for the TLS tests, made with openssl in a fresh temporary directory (valid two days,
 * RSA 2048, keys unencrypted unless named so):
 * <ul>
 *   <li>{@code ca.pem} / {@code ca.key}: the test CA, which {@link RabbitNode#startWithTls} trusts;
 *   <li>{@code other-ca.pem} / {@code other-ca.key}: an unrelated CA;
 *   <li>{@code server.pem} / {@code server.key}: the broker's, for {@code localhost} (not {@code 127.0.0.1}),
 *       signed by the test CA;
 *   <li>{@code client.pem}: a client certificate with CN {@code guest} (the broker's default user, so
 *       EXTERNAL logs in as guest), signed by the test CA; its key as PKCS#8 ({@code client.key},
 *       {@code BEGIN PRIVATE KEY}), as traditional PKCS#1 RSA ({@code client-rsa.key},
 *       {@code BEGIN RSA PRIVATE KEY}), encrypted as PKCS#8 ({@code client-encrypted.key},
 *       {@code BEGIN ENCRYPTED PRIVATE KEY}) and encrypted the traditional way
 *       ({@code client-rsa-encrypted.key}, {@code BEGIN RSA PRIVATE KEY} with {@code Proc-Type: 4,ENCRYPTED});
 *   <li>{@code other-client.pem} / {@code other-client.key}: a client certificate with CN {@code guest}
 *       signed by the other CA.
 * </ul>
 * The broker runs as the tests' user and reads the files in place. Stateless.
 */
final class TestCertificates {
  private TestCertificates() {
  }

  /** Makes the files above in a new directory and returns it; {@link #delete} removes it. */
  static Path make() throws IOException, InterruptedException {
    Path d = Files.createTempDirectory("fjord-tls-");
    Files.writeString(d.resolve("san.ext"), "subjectAltName = DNS:localhost\n");
    Files.writeString(d.resolve("client.ext"), "extendedKeyUsage = clientAuth\n");
    // a file, so no command line (and no failure message) shows the pass phrase
    Files.writeString(d.resolve("key-pass.txt"), "fjord-test-only\n");
    String[][] steps = {
        {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=fjord-test-ca",
            "-keyout", "ca.key", "-out", "ca.pem"},
        {"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=other-ca",
            "-keyout", "other-ca.key", "-out", "other-ca.pem"},
        {"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
            "-out", "server.csr"},
        {"openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "san.ext", "-out", "server.pem"},
        {"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=guest", "-keyout", "client.key",
            "-out", "client.csr"},
        {"openssl", "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-days", "2", "-extfile", "client.ext", "-out", "client.pem"},
        {"openssl", "pkcs8", "-topk8", "-in", "client.key", "-out", "client-p8.key", "-nocrypt"},
        {"openssl", "rsa", "-in", "client.key", "-traditional", "-out", "client-rsa.key"},
        {"openssl", "pkcs8", "-topk8", "-in", "client.key", "-v2", "aes-256-cbc", "-passout", "file:key-pass.txt",
            "-out", "client-encrypted.key"},
        {"openssl", "rsa", "-in", "client.key", "-traditional", "-aes256", "-passout", "file:key-pass.txt",
            "-out", "client-rsa-encrypted.key"},
        {"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=guest", "-keyout", "other-client.key",
            "-out", "other-client.csr"},
        {"openssl", "x509", "-req", "-in", "other-client.csr", "-CA", "other-ca.pem", "-CAkey", "other-ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "client.ext", "-out", "other-client.pem"},
    };
    try {
      for (String[] step : steps) {
        run(d, step);
      }
      // whatever openssl's default key format, client.key is PKCS#8
      Files.move(d.resolve("client-p8.key"), d.resolve("client.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | InterruptedException | RuntimeException e) {
      delete(d);
      throw e;
    }
    return d;
  }

  private static void run(Path dir, String[] step) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(step).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("openssl failed (" + String.join(" ", step) + "): " + out);
    }
  }

  /** Deletes a directory {@link #make} made, with everything in it; nothing when it is null or gone. */
  static void delete(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
