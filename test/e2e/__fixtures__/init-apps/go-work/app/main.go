package main

import (
	"fmt"
	"net/http"
	"os"

	"example.com/greeting"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, greeting.Hello())
	})
	_ = http.ListenAndServe(":"+port, nil)
}
