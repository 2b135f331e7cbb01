{{> go/middleware/accesslog}}
