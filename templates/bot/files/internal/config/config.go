// Package config reads the bot's configuration from environment variables.
//
// Optional settings have defaults; a value that is set but invalid is an
// error rather than silently replaced by the default, because a typo in
// production should fail loudly. Every problem is reported at once, so a
// broken deployment is fixed in one round.
package config
