use std::net::TcpListener;
fn main() {
    let _listener = TcpListener::bind("0.0.0.0:7878").unwrap();
}
