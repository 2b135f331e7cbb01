{{> go/metrics/metrics_test}}
