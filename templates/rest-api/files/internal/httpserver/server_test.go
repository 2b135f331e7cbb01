{{> go/httpserver/server_test}}
