fn main() {
    print!("{}", greeting::greeting("example", 0));
}
