package demo;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;

public class Main {
  public static void main(String[] args) throws Exception {
    HttpServer.create(new InetSocketAddress(8080), 0).start();
  }
}
