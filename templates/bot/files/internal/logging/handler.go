{{> go/logging/handler}}
