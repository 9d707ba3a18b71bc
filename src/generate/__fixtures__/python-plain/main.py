from http.server import HTTPServer, BaseHTTPRequestHandler

HTTPServer(("", 8000), BaseHTTPRequestHandler).serve_forever()
