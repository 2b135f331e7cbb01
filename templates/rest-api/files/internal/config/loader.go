{{> go/config/loader}}
