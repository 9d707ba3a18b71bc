package hello;

import com.sun.net.httpserver.HttpServer;
import com.sun.security.auth.module.UnixSystem;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    int port = 8080;
    String fromEnv = System.getenv("PORT");
    if (fromEnv != null && !fromEnv.isEmpty()) port = Integer.parseInt(fromEnv);
    long uid = new UnixSystem().getUid();
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/", exchange -> {
      byte[] body = ("hello from java as uid " + uid + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }
}
