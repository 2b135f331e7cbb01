{{> go/problem/problem}}
