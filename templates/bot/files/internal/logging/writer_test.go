{{> go/logging/writer_test}}
