// Package commands is the bot's command router. A Command has a name, a
// description, named options and a handler that returns the reply text; the
// platform code turns chat messages or interactions into Execute calls and
// sends the Reply back. Nothing here knows which chat platform is in use, so
// a command written once works wherever the bot runs.
package commands

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"{{module_path}}/internal/quotes"
)

// Status says how a command went, for logs and metrics. The values are
// stable, lowercase and few, so they are safe as a metric label.
type Status string

// The outcomes of Execute.
const (
	StatusOK      Status = "ok"      // the command answered
	StatusInvalid Status = "invalid" // bad arguments; the reply says what to fix
	StatusUnknown Status = "unknown" // no command by that name
	StatusFailed  Status = "failed"  // the command failed; Reply.Err says why
)

// failedText is all a user learns about an internal failure; the details go
// to the log, where they cannot leak to a chat.
const failedText = "Sorry, something went wrong. Please try again later."

// Reply is the answer to one command.
type Reply struct {
	Text   string
	Status Status
	// Err is the internal error behind StatusFailed. It is for the log and
	// never shown to the user.
	Err error
}

// UserError is an error whose message is meant for the person who sent the
// command, such as "No price for XYZ." A handler returns one (see Userf) for
// mistakes the user can fix; any other error is logged and the user only
// sees an apology.
type UserError struct {
	Message string
}

func (e *UserError) Error() string { return e.Message }

// Userf returns a *UserError with a formatted message.
func Userf(format string, args ...any) error {
	return &UserError{Message: fmt.Sprintf(format, args...)}
}

// Option is a named argument of a command.
type Option struct {
	Name        string // lowercase letters, digits and underscores, at most 32
	Description string // 1 to 100 characters
	Required    bool
}

// Args holds a command's option values by option name.
type Args map[string]string

// Handler runs a command. It returns the reply text, or an error: a
// *UserError for the user to read, anything else for the log.
type Handler func(ctx context.Context, args Args) (string, error)

// Command is one bot command.
type Command struct {
	// Name is what users type after the slash. Telegram and Discord both
	// accept 1 to 32 lowercase letters, digits and underscores.
	Name string
	// Description is shown by /help and in the platform's command menu;
	// Discord allows 1 to 100 characters.
	Description string
	Options     []Option
	Handler     Handler
}

// Usage is the command as typed, such as "/price SYMBOL"; optional options
// are shown in brackets.
func (c Command) Usage() string {
	var b strings.Builder
	b.WriteString("/" + c.Name)
	for _, o := range c.Options {
		if o.Required {
			b.WriteString(" " + strings.ToUpper(o.Name))
		} else {
			b.WriteString(" [" + strings.ToUpper(o.Name) + "]")
		}
	}
	return b.String()
}

// The rules both platforms enforce on names and descriptions, checked when
// a command is added so that a mistake fails the tests instead of the
// command registration in production.
var nameRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

const maxDescription = 100

func (c Command) validate() error {
	if !nameRE.MatchString(c.Name) {
		return fmt.Errorf("command %q: the name must be 1 to 32 lowercase letters, digits or underscores", c.Name)
	}
	if n := utf8.RuneCountInString(c.Description); n == 0 || n > maxDescription {
		return fmt.Errorf("command %q: the description must be 1 to %d characters", c.Name, maxDescription)
	}
	if c.Handler == nil {
		return fmt.Errorf("command %q: no handler", c.Name)
	}
	seen := make(map[string]bool, len(c.Options))
	for _, o := range c.Options {
		if !nameRE.MatchString(o.Name) {
			return fmt.Errorf("command %q: option %q: the name must be 1 to 32 lowercase letters, digits or underscores", c.Name, o.Name)
		}
		if n := utf8.RuneCountInString(o.Description); n == 0 || n > maxDescription {
			return fmt.Errorf("command %q: option %q: the description must be 1 to %d characters", c.Name, o.Name, maxDescription)
		}
		if seen[o.Name] {
			return fmt.Errorf("command %q: option %q appears twice", c.Name, o.Name)
		}
		seen[o.Name] = true
	}
	return nil
}

// BuildInfo describes the running binary for /status.
type BuildInfo struct {
	Version string
	Commit  string
	Date    string
}

// Options configures New.
type Options struct {
	// Name is the bot's name as /status shows it.
	Name  string
	Build BuildInfo
	// Quotes answers /price.
	Quotes quotes.Source
	// Started is when the bot started, for the uptime in /status.
	Started time.Time
	// Now returns the current time; nil means time.Now. Tests pin it.
	Now func() time.Time
}

// Router holds the commands and runs them by name. Add every command before
// the bot starts; after that a Router is safe for concurrent use.
type Router struct {
	opts     Options
	commands []Command
	byName   map[string]int
}

// New returns a Router with the built-in commands: help, status and price.
func New(opts Options) *Router {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Started.IsZero() {
		opts.Started = opts.Now()
	}
	r := &Router{opts: opts, byName: make(map[string]int)}
	for _, c := range []Command{
		{
			Name:        "help",
			Description: "Show the available commands",
			Handler:     r.help,
		},
		{
			Name:        "status",
			Description: "Show the bot's version and uptime",
			Handler:     r.status,
		},
		{
			Name:        "price",
			Description: "Look up the latest price of a symbol, such as ACME",
			Options: []Option{
				{Name: "symbol", Description: "The ticker symbol, such as ACME", Required: true},
			},
			Handler: r.price,
		},
	} {
		if err := r.Add(c); err != nil {
			// The built-in commands are fixed and covered by tests.
			panic(err)
		}
	}
	return r
}

// Add registers c. It fails when c breaks the naming rules or its name is
// taken.
func (r *Router) Add(c Command) error {
	if err := c.validate(); err != nil {
		return err
	}
	if _, dup := r.byName[c.Name]; dup {
		return fmt.Errorf("command %q is already registered", c.Name)
	}
	r.byName[c.Name] = len(r.commands)
	r.commands = append(r.commands, c)
	return nil
}

// Commands returns the registered commands in the order they were added.
func (r *Router) Commands() []Command {
	return append([]Command(nil), r.commands...)
}

// Help lists every command with its usage and description.
func (r *Router) Help() string {
	var b strings.Builder
	b.WriteString("Commands:")
	for _, c := range r.commands {
		fmt.Fprintf(&b, "\n%s - %s", c.Usage(), c.Description)
	}
	return b.String()
}

// Execute runs the command called name with args. It never fails: unknown
// commands, invalid arguments, errors and even panics in a handler become a
// Reply whose Status says what happened.
func (r *Router) Execute(ctx context.Context, name string, args Args) (reply Reply) {
	i, ok := r.byName[name]
	if !ok {
		return Reply{
			Text:   fmt.Sprintf("Unknown command /%s. Send /help for the list.", Truncate(name, 32)),
			Status: StatusUnknown,
		}
	}
	c := r.commands[i]
	for _, o := range c.Options {
		if o.Required && strings.TrimSpace(args[o.Name]) == "" {
			return Reply{Text: "Missing " + strings.ToUpper(o.Name) + ". Usage: " + c.Usage(), Status: StatusInvalid}
		}
	}

	// One broken handler must not take the whole bot down.
	defer func() {
		if p := recover(); p != nil {
			reply = Reply{Text: failedText, Status: StatusFailed, Err: fmt.Errorf("/%s panicked: %v", name, p)}
		}
	}()
	text, err := c.Handler(ctx, args)
	var userErr *UserError
	switch {
	case errors.As(err, &userErr):
		return Reply{Text: userErr.Message, Status: StatusInvalid}
	case err != nil:
		return Reply{Text: failedText, Status: StatusFailed, Err: fmt.Errorf("/%s: %w", name, err)}
	}
	return Reply{Text: text, Status: StatusOK}
}

// ExecuteText runs a command typed as text, such as the "ACME" of
// "/price ACME": words are given to the options in order.
func (r *Router) ExecuteText(ctx context.Context, name, text string) Reply {
	i, ok := r.byName[name]
	if !ok {
		return r.Execute(ctx, name, nil)
	}
	c := r.commands[i]
	words := strings.Fields(text)
	if len(words) > len(c.Options) {
		return Reply{Text: "Too many arguments. Usage: " + c.Usage(), Status: StatusInvalid}
	}
	args := make(Args, len(words))
	for j, w := range words {
		args[c.Options[j].Name] = w
	}
	return r.Execute(ctx, name, args)
}

func (r *Router) help(context.Context, Args) (string, error) {
	return r.Help(), nil
}

func (r *Router) status(context.Context, Args) (string, error) {
	b := r.opts.Build
	uptime := r.opts.Now().Sub(r.opts.Started).Round(time.Second)
	return fmt.Sprintf("%s %s (commit %s, built %s)\nUp for %s.", r.opts.Name, b.Version, b.Commit, b.Date, uptime), nil
}

var symbolRE = regexp.MustCompile(`^[A-Z0-9][A-Z0-9.-]{0,11}$`)

func (r *Router) price(ctx context.Context, args Args) (string, error) {
	symbol := strings.ToUpper(strings.TrimSpace(args["symbol"]))
	if !symbolRE.MatchString(symbol) {
		// The input is not echoed: it could be anything, of any length.
		return "", Userf("A symbol is 1 to 12 letters, digits, dots or dashes, such as ACME.")
	}
	q, err := r.opts.Quotes.Quote(ctx, symbol)
	if errors.Is(err, quotes.ErrNotFound) {
		msg := "No price for " + symbol + "."
		if l, ok := r.opts.Quotes.(quotes.Lister); ok {
			msg += " Try one of: " + strings.Join(l.Symbols(), ", ") + "."
		}
		return "", &UserError{Message: msg}
	}
	if err != nil {
		return "", fmt.Errorf("looking up %s: %w", symbol, err)
	}
	return fmt.Sprintf("%s (%s): %s\nAs of %s.", q.Symbol, q.Name, q.FormatPrice(), q.UpdatedAt.UTC().Format("2006-01-02 15:04 MST")), nil
}

// Truncate shortens s to at most maxRunes characters, ending it with an
// ellipsis when something was cut, for platforms that limit message length.
func Truncate(s string, maxRunes int) string {
	if utf8.RuneCountInString(s) <= maxRunes {
		return s
	}
	if maxRunes <= 0 {
		return ""
	}
	runes := []rune(s)
	return string(runes[:maxRunes-1]) + "…"
}
