package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"{{module_path}}/internal/commands"
)

// Defaults for Options.
const (
	DefaultMinBackoff = time.Second
	DefaultMaxBackoff = time.Minute
)

const (
	// commandTimeout bounds one command, so a stuck data source delays the
	// other chats by at most this long.
	commandTimeout = 10 * time.Second
	// sendTimeout bounds one sendMessage call.
	sendTimeout = 10 * time.Second
	// sendAttempts is how often a reply is tried before it is dropped.
	sendAttempts = 3
	// ackTimeout bounds the final getUpdates that confirms the last updates
	// handled before shutdown.
	ackTimeout = 5 * time.Second
	// maxMessageRunes is Telegram's limit on the length of a message.
	maxMessageRunes = 4096
)

// Options configures a Bot.
type Options struct {
	Client *Client
	Router *commands.Router
	Logger *slog.Logger
	// MinBackoff and MaxBackoff bound the wait after a failed request: it
	// starts at MinBackoff and doubles after each failure in a row, up to
	// MaxBackoff. A 429 answer's retry_after replaces it.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// Concurrency is how many chats are answered at the same time; each
	// chat's messages are answered one by one, in order.
	// DefaultConcurrency when zero.
	Concurrency int
	// Heartbeat, when set, records the bot's progress for the -healthcheck
	// liveness probe.
	Heartbeat *Heartbeat
}

// Bot polls Telegram for messages and answers the commands among them.
type Bot struct {
	client     *Client
	router     *commands.Router
	logger     *slog.Logger
	minBackoff time.Duration
	maxBackoff time.Duration
	workers    int

	// sleep waits between retries and returns early with ctx's error when
	// ctx is done; tests replace it to record the waits instead.
	sleep func(ctx context.Context, d time.Duration) error

	// heartbeat is told about every step forward; nil for none. Tests
	// replace it to record the promises.
	heartbeat  beater
	beatFailed atomic.Bool // the last beat could not be written

	me User
}

// beater records progress; *Heartbeat is the real one.
type beater interface {
	Beat(within time.Duration) error
}

// New returns a Bot. Zero options take their defaults.
func New(opts Options) *Bot {
	b := &Bot{
		client:     opts.Client,
		router:     opts.Router,
		logger:     opts.Logger,
		minBackoff: opts.MinBackoff,
		maxBackoff: opts.MaxBackoff,
		workers:    opts.Concurrency,
		sleep:      sleep,
	}
	if opts.Heartbeat != nil {
		b.heartbeat = opts.Heartbeat
	}
	if b.workers <= 0 {
		b.workers = DefaultConcurrency
	}
	if b.logger == nil {
		b.logger = slog.New(slog.DiscardHandler)
	}
	if b.minBackoff <= 0 {
		b.minBackoff = DefaultMinBackoff
	}
	if b.maxBackoff < b.minBackoff {
		b.maxBackoff = max(DefaultMaxBackoff, b.minBackoff)
	}
	return b
}

// ErrTokenRejected is returned by Run when Telegram refuses the bot token.
var ErrTokenRejected = errors.New("telegram rejected the bot token; check TELEGRAM_BOT_TOKEN")

// Run checks the token, publishes the command menu and answers messages
// until ctx is cancelled. It then confirms the updates it handled, so they
// are not delivered again after a restart, and returns nil. Network errors
// and Telegram outages are retried with backoff; only a rejected token
// stops the bot with an error. Meanwhile it beats the heartbeat, from the
// start on, at every step forward.
func (b *Bot) Run(ctx context.Context) error {
	b.beat(0)
	err := b.retry(ctx, "getMe", func() error {
		var err error
		b.me, err = b.client.GetMe(ctx)
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	b.logger.Info("connected", slog.String("username", b.me.Username), slog.Int64("id", b.me.ID))
	b.publishCommands(ctx)
	return b.poll(ctx)
}

// publishCommands sets the menu Telegram apps show when the user types "/".
// The menu is a convenience: failing to set it is logged, not fatal.
func (b *Bot) publishCommands(ctx context.Context) {
	var menu []BotCommand
	for _, c := range b.router.Commands() {
		menu = append(menu, BotCommand{Command: c.Name, Description: c.Description})
	}
	err := b.client.SetMyCommands(ctx, menu)
	b.beat(0)
	if err != nil {
		b.logger.Warn("could not set the command menu", slog.String("error", err.Error()))
	}
}

// poll is the long-polling loop. Updates go to a dispatcher that answers
// several chats at once, each chat in order; the offset moves past an update
// once it is handed over. Shutdown waits until every update handed over is
// answered, then confirms them.
func (b *Bot) poll(ctx context.Context) error {
	var (
		offset int64 // the ID after the last update handed over
		acked  int64 // the offset Telegram was last told about
		bo     = backoff{min: b.minBackoff, max: b.maxBackoff}
	)
	d := newDispatcher(ctx, b.workers, func(u Update) { b.answer(ctx, u) })
	attrs := []any{slog.String("timeout", b.client.pollTimeout.String())}
	if h, ok := b.heartbeat.(*Heartbeat); ok {
		attrs = append(attrs, slog.String("heartbeat", h.Path()))
	}
	b.logger.Info("polling", attrs...)
	for ctx.Err() == nil {
		updates, err := b.client.GetUpdates(ctx, offset, b.client.pollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if rejected(err) {
				return fmt.Errorf("%w: %w", ErrTokenRejected, err)
			}
			wait := bo.next(err)
			// The error is an answer too: the loop goes on after the wait.
			b.beat(wait)
			b.logger.Warn("getUpdates failed; retrying", slog.String("error", err.Error()), slog.String("retry_in", wait.String()))
			_ = b.sleep(ctx, wait)
			continue
		}
		// An empty answer (the long poll timed out) is progress as well.
		b.beat(0)
		bo.reset()
		acked = offset
		for _, u := range updates {
			if ctx.Err() != nil || !d.submit(u) {
				// The rest of the batch is left unconfirmed, so Telegram
				// delivers it again after a restart.
				break
			}
			offset = max(offset, u.UpdateID+1)
		}
	}
	// Every update handed over is answered, so nobody is left without
	// their answer; each is bounded by commandTimeout and sendTimeout.
	d.wait()

	if offset > acked {
		// getUpdates with the new offset is how Telegram learns that the
		// updates before it were handled. The original context is
		// cancelled, so this call gets a short one of its own.
		ackCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ackTimeout)
		defer cancel()
		if _, err := b.client.GetUpdates(ackCtx, offset, 0); err != nil {
			b.logger.Warn("could not confirm the last updates; they may be answered again after a restart", slog.String("error", err.Error()))
		}
	}
	b.logger.Info("stopped polling")
	return nil
}

// answer handles u for the dispatcher, then beats: while every worker is
// busy the loop waits for one, and the answers are its progress.
func (b *Bot) answer(ctx context.Context, u Update) {
	b.handle(ctx, u)
	b.beat(0)
}

// handle answers one update. It lets a command already running finish even
// when shutdown begins, so nobody is left without their answer.
func (b *Bot) handle(ctx context.Context, u Update) {
	m := u.Message
	if m == nil || m.Text == "" {
		return
	}
	name, argText, ok := parseCommand(m.Text, b.me.Username)
	if !ok {
		// In groups the bot only sees commands anyway (privacy mode); in a
		// private chat a hint beats silence.
		if m.Chat.Type == "private" {
			b.send(ctx, m.Chat.ID, "Send /help to see what I can do.")
		}
		return
	}

	start := time.Now()
	var reply commands.Reply
	if name == "start" {
		// /start is what Telegram sends when someone opens the bot.
		reply = commands.Reply{Text: fmt.Sprintf("Hello, I'm %s.\n\n%s", b.me.FirstName, b.router.Help()), Status: commands.StatusOK}
	} else {
		cmdCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commandTimeout)
		reply = b.router.ExecuteText(cmdCtx, name, argText)
		cancel()
	}

	// Message text is not logged: it is the users' data, not the operator's.
	attrs := []slog.Attr{
		slog.String("command", name),
		slog.String("status", string(reply.Status)),
		slog.Int64("chat_id", m.Chat.ID),
		slog.Int64("update_id", u.UpdateID),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
	}
	if reply.Err != nil {
		b.logger.LogAttrs(ctx, slog.LevelError, "command failed", append(attrs, slog.String("error", reply.Err.Error()))...)
	} else {
		b.logger.LogAttrs(ctx, slog.LevelInfo, "command", attrs...)
	}
	b.send(ctx, m.Chat.ID, reply.Text)
}

// send delivers a reply, retrying rate limits, server errors and network
// failures a few times. A reply that cannot be delivered is logged and
// dropped so that one broken chat cannot hold up the others.
func (b *Bot) send(ctx context.Context, chatID int64, text string) {
	text = commands.Truncate(text, maxMessageRunes)
	bo := backoff{min: b.minBackoff, max: b.maxBackoff}
	for attempt := 1; ; attempt++ {
		sendCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendTimeout)
		err := b.client.SendMessage(sendCtx, chatID, text)
		cancel()
		if err == nil {
			return
		}
		if attempt == sendAttempts || !retryable(err) {
			b.logger.Error("could not send a reply", slog.Int64("chat_id", chatID), slog.Int("attempts", attempt), slog.String("error", err.Error()))
			return
		}
		wait := bo.next(err)
		b.beat(wait)
		b.logger.Warn("sendMessage failed; retrying", slog.Int64("chat_id", chatID), slog.String("error", err.Error()), slog.String("retry_in", wait.String()))
		if b.sleep(ctx, wait) != nil {
			b.logger.Warn("reply dropped: shutting down", slog.Int64("chat_id", chatID))
			return
		}
	}
}

// retry calls fn until it succeeds, fails for good (a rejected token) or
// ctx is done, waiting with backoff in between.
func (b *Bot) retry(ctx context.Context, what string, fn func() error) error {
	bo := backoff{min: b.minBackoff, max: b.maxBackoff}
	for {
		err := fn()
		switch {
		case err == nil:
			b.beat(0)
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case rejected(err):
			return fmt.Errorf("%w: %w", ErrTokenRejected, err)
		}
		wait := bo.next(err)
		b.beat(wait)
		b.logger.Warn(what+" failed; retrying", slog.String("error", err.Error()), slog.String("retry_in", wait.String()))
		if err := b.sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// beat records a step forward with the heartbeat, promising the next one
// after wait (the backoff about to start) plus quietLimit. A heartbeat that
// cannot be written is logged when it starts failing and when it recovers,
// not at every beat.
func (b *Bot) beat(wait time.Duration) {
	if b.heartbeat == nil {
		return
	}
	err := b.heartbeat.Beat(wait + b.quietLimit())
	if failed := err != nil; b.beatFailed.Swap(failed) == failed {
		return
	}
	if err != nil {
		b.logger.Error("could not write the heartbeat; -healthcheck will report the bot as stuck", slog.String("error", err.Error()))
		return
	}
	b.logger.Info("heartbeat written again")
}

// quietLimit is the longest a working bot goes between two beats, not
// counting backoff waits (each beat adds the one it precedes): the longer of
// a Bot API round trip, which the HTTP client cuts off after the poll
// timeout plus requestSlack (40 s by default), and one step of an answer,
// a command and one attempt to send its reply (20 s), plus heartbeatSlack
// (20 s). While every worker is busy, the polling loop waits, and the
// answers beat instead.
func (b *Bot) quietLimit() time.Duration {
	return max(b.client.http.Timeout, commandTimeout+sendTimeout) + heartbeatSlack
}

// parseCommand splits "/price@my_bot ACME" into "price" and "ACME". ok is
// false for text that is not a command, or a command addressed to another
// bot in a group ("/help@other_bot").
func parseCommand(text, username string) (name, args string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	word, args := text[1:], ""
	if i := strings.IndexFunc(word, unicode.IsSpace); i >= 0 {
		word, args = word[:i], strings.TrimSpace(word[i:])
	}
	name, target, addressed := strings.Cut(word, "@")
	if name == "" || (addressed && !strings.EqualFold(target, username)) {
		return "", "", false
	}
	return strings.ToLower(name), args, true
}

// rejected reports whether err means the token is no good.
func rejected(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.TokenRejected()
}

// retryable reports whether sending again may succeed: after a rate limit,
// a server error or a network failure, but not after Telegram refused the
// message itself (the user blocked the bot, the chat is gone, ...).
func retryable(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return true
	}
	return apiErr.Code == http.StatusTooManyRequests || apiErr.Code >= http.StatusInternalServerError
}

// backoff computes the waits between retries: exponential from min, capped
// at max, without jitter. Jitter spreads out many clients retrying at once;
// a bot token allows only one poller, so it would add nothing but
// unpredictability here.
type backoff struct {
	min, max time.Duration
	last     time.Duration
}

// next returns the wait before the next attempt after err. Telegram's
// retry_after, when given, is obeyed exactly: it says when the flood
// control lets the bot through again.
func (bo *backoff) next(err error) time.Duration {
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
		return apiErr.RetryAfter
	}
	if bo.last == 0 {
		bo.last = bo.min
	} else {
		bo.last = min(bo.last*2, bo.max)
	}
	return bo.last
}

// reset starts the next run of failures from min again.
func (bo *backoff) reset() { bo.last = 0 }

// sleep waits for d or until ctx is done, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
