{{> go/middleware/recover}}
