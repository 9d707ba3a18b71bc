fn main() {
    let start = std::time::Instant::now();
    let _ = greeting::greeting("bench", 0);
    println!("{:?}", start.elapsed());
}
