{{> go/middleware/middleware}}
