module example.com/hello

go 1.19

require (
	example.com/local v0.1.0
	github.com/example/greeting v1.2.3
	golang.org/x/shout v0.0.0-20230102030405-0123456789ab
)

replace example.com/local => ./local
