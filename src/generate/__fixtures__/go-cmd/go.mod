module example.com/acme/platform

go 1.22.3

toolchain go1.22.5

require github.com/google/uuid v1.6.0
