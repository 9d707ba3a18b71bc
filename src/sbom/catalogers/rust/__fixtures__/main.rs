fn main() { println!("hello from a cargo-auditable fixture"); }
