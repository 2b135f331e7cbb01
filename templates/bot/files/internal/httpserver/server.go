{{> go/httpserver/server}}
