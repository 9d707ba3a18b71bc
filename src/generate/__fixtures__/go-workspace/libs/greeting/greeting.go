package greeting

import "example.com/legacy"

// Hello is the greeting the api answers with.
func Hello() string { return legacy.Prefix + "hello" }
