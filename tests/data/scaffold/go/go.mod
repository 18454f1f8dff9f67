module example.com/sample-go

go 1.19
