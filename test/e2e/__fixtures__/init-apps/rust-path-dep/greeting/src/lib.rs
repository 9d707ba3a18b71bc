/// What the server answers with: a crate of its own, which the dependency build compiles before the sources are copied.
pub fn greeting() -> &'static str {
    "hello from rust-path-dep"
}
