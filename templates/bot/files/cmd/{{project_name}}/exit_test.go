{{> go/cmd/main_test logger=true}}
