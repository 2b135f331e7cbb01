{{> go/middleware/middleware_test}}
