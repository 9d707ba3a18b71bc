package main

import (
	"fmt"

	"github.com/example/greeting"
	"example.com/local"
	"golang.org/x/shout"
)

func main() { fmt.Println(shout.Loud(greeting.Hello()), local.Name) }
