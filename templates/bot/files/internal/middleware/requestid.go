{{> go/middleware/requestid}}
