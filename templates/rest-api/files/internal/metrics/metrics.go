{{> go/metrics/metrics}}
