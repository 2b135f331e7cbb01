{{> go/cmd/main_test}}
