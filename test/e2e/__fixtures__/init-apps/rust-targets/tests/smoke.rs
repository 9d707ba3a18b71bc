#[test]
fn greets() {
    assert_eq!(greeting::greeting("a", 1), "hello from a as uid 1\n");
}
