module example.com/buildgo

go 1.19
