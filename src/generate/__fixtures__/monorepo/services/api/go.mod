module api

go 1.22
