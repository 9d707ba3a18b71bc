use std::io::{Read, Write};
use std::net::TcpListener;

extern "C" {
    fn getuid() -> u32;
}

fn main() {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_string());
    let listener = TcpListener::bind(format!("0.0.0.0:{}", port)).expect("bind");
    // SAFETY: getuid has no preconditions and cannot fail
    let uid = unsafe { getuid() };
    for stream in listener.incoming() {
        // no let-else: Debian 12's rustc is 1.63
        let mut stream = match stream {
            Ok(stream) => stream,
            Err(_) => continue,
        };
        let mut request = [0u8; 1024];
        let _ = stream.read(&mut request);
        let body = format!("{} as uid {}\n", greeting::greeting(), uid);
        let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}", body.len(), body);
    }
}
