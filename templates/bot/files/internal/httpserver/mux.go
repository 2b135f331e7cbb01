{{> go/httpserver/mux}}
