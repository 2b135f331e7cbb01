{{> go/logging/handler_test}}
