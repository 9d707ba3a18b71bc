module cgo-app

go 1.21
