{{> go/problem/problem_test}}
