package check

import (
	"net/url"
	"strings"
)

// mask replaces a secret, the same marker url.URL.Redacted uses for passwords.
const mask = "xxxxx"

// sensitiveParams are words that mark a query parameter as a credential
// when its name contains one of them, in any case: token, api_key,
// X-Amz-Signature, client_secret, password, sig, ...
var sensitiveParams = []string{"token", "key", "secret", "password", "passwd", "pwd", "sig", "auth", "credential", "session"}

// Redact returns raw fit for logs, reports and CI output: the password of
// the user information masked (url.URL.Redacted) and so are the values of
// query parameters whose names mark them as credentials. A URL that does not
// parse loses everything after the scheme's host part that could hold one.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return redactUnparsed(raw)
	}
	if u.RawQuery != "" {
		pairs := strings.Split(u.RawQuery, "&")
		for i, pair := range pairs {
			name, _, hasValue := strings.Cut(pair, "=")
			if decoded, err := url.QueryUnescape(name); err == nil {
				name = decoded
			}
			if sensitive(name) && hasValue {
				pairs[i] = strings.SplitN(pair, "=", 2)[0] + "=" + mask
			}
		}
		u.RawQuery = strings.Join(pairs, "&")
	}
	return u.Redacted()
}

// sensitive reports whether a query parameter called name holds a secret.
func sensitive(name string) bool {
	name = strings.ToLower(name)
	for _, word := range sensitiveParams {
		if strings.Contains(name, word) {
			return true
		}
	}
	return false
}

// redactUnparsed keeps the scheme and host of a URL that url.Parse rejects
// and masks user information, the query and the fragment, where secrets go.
func redactUnparsed(raw string) string {
	rest := raw
	scheme := ""
	if i := strings.Index(rest, "://"); i >= 0 {
		scheme, rest = rest[:i+3], rest[i+3:]
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i] + mask
	}
	host, path, _ := strings.Cut(rest, "/")
	if at := strings.LastIndex(host, "@"); at >= 0 {
		host = mask + "@" + host[at+1:]
	}
	if path != "" || strings.Contains(rest, "/") {
		return scheme + host + "/" + path
	}
	return scheme + host
}
