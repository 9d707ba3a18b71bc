package hello;

import com.google.gson.Gson;
import com.sun.net.httpserver.HttpServer;
import com.sun.security.auth.module.UnixSystem;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

public final class Main {
  private Main() {}

  /** The answer goes through JSON and back, so the image needs Gson's jar at run time. */
  static final class Greeting {
    String from;
    long uid;
  }

  public static void main(String[] args) throws Exception {
    int port = 8080;
    String fromEnv = System.getenv("PORT");
    if (fromEnv != null && !fromEnv.isEmpty()) port = Integer.parseInt(fromEnv);
    Gson gson = new Gson();
    Greeting greeting = new Greeting();
    greeting.from = "java-gson";
    greeting.uid = new UnixSystem().getUid();
    String json = gson.toJson(greeting);
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/", exchange -> {
      Greeting back = gson.fromJson(json, Greeting.class);
      byte[] body = ("hello from " + back.from + " as uid " + back.uid + "\n").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }
}
