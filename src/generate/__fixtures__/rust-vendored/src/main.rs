use std::io::Write;
use std::net::TcpListener;

fn main() {
    let listener = TcpListener::bind("0.0.0.0:9000").unwrap();
    for stream in listener.incoming() {
        let mut buffer = itoa::Buffer::new();
        let _ = stream.unwrap().write_all(buffer.format(42).as_bytes());
    }
}
