package main

import (
	"fmt"
	"net/http"

	"example.com/shop/greeting"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, greeting.Hello())
	})
	_ = http.ListenAndServe(":8082", nil)
}
