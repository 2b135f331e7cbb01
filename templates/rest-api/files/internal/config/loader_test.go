{{> go/config/loader_test}}
