{{> go/logging/writer}}
