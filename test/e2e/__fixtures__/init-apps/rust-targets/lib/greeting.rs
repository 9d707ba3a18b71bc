/// The answer the server gives.
pub fn greeting(app: &str, uid: u32) -> String {
    format!("hello from {} as uid {}\n", app, uid)
}
