package main

import "net/http"

func main() {
	srv := &http.Server{Addr: ":8081"}
	_ = srv.ListenAndServe()
}
