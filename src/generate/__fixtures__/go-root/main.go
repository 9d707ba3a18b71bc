package main

import "net/http"

func main() {
	_ = http.ListenAndServe(":9090", nil)
}
