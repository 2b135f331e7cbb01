{{> go/cmd/main_test logger=false}}
