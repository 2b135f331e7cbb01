// Package telegram runs the bot on Telegram: a Bot API client over net/http
// and a long-polling loop that feeds messages to the command router.
//
// Long polling needs no public URL, TLS certificate or open port: the bot
// asks Telegram for news with getUpdates and Telegram holds the request
// open until a message arrives or the poll timeout passes.
package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// requestSlack is added to the poll timeout to get the HTTP client timeout:
// a long poll legitimately lasts the whole poll timeout, and the client must
// not give up on it before Telegram answers.
const requestSlack = 10 * time.Second

// maxResponseBytes bounds what is read from one API response; a full batch
// of 100 updates is far smaller.
const maxResponseBytes = 16 << 20

// redacted replaces the bot token wherever it could be printed.
const redacted = "[redacted]"

// DefaultPollTimeout is how long a getUpdates call waits for news unless
// NewClient is told otherwise.
const DefaultPollTimeout = 30 * time.Second

// Client calls the Telegram Bot API. It is safe for concurrent use.
type Client struct {
	baseURL     string
	token       string
	pollTimeout time.Duration
	http        *http.Client
}

// NewClient returns a client for the Bot API at baseURL (such as
// https://api.telegram.org) that authenticates with token and long-polls for
// pollTimeout (DefaultPollTimeout when zero).
func NewClient(baseURL, token string, pollTimeout time.Duration) *Client {
	if pollTimeout <= 0 {
		pollTimeout = DefaultPollTimeout
	}
	return &Client{
		baseURL:     strings.TrimRight(baseURL, "/"),
		token:       token,
		pollTimeout: pollTimeout,
		http:        &http.Client{Timeout: pollTimeout + requestSlack},
	}
}

// APIError is an error answer from the Bot API.
type APIError struct {
	Method      string
	Code        int    // error_code, the HTTP status Telegram chose
	Description string // Telegram's explanation, such as "Forbidden: bot was blocked by the user"
	// RetryAfter is how long to wait before the next request, set with
	// 429 Too Many Requests.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	description := e.Description
	if description == "" {
		description = http.StatusText(e.Code)
	}
	return fmt.Sprintf("telegram %s: %d %s", e.Method, e.Code, description)
}

// TokenRejected reports whether Telegram refused the bot token, which no
// amount of retrying fixes: 401 for a revoked token, 404 for a malformed one.
func (e *APIError) TokenRejected() bool {
	return e.Code == http.StatusUnauthorized || e.Code == http.StatusNotFound
}

// User is a Telegram user or bot.
type User struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	Username  string `json:"username"`
}

// Chat is where a message was sent.
type Chat struct {
	ID   int64  `json:"id"`
	Type string `json:"type"` // "private", "group", "supergroup" or "channel"
}

// Message is the part of a Telegram message the bot reads.
type Message struct {
	MessageID int64  `json:"message_id"`
	From      *User  `json:"from"`
	Chat      Chat   `json:"chat"`
	Text      string `json:"text"`
}

// Update is one event from getUpdates. Only messages are asked for.
type Update struct {
	UpdateID int64    `json:"update_id"`
	Message  *Message `json:"message"`
}

// BotCommand is an entry of the command menu Telegram apps show.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// GetMe returns the bot's own user, which also proves the token works.
func (c *Client) GetMe(ctx context.Context) (User, error) {
	var me User
	err := c.call(ctx, "getMe", struct{}{}, &me)
	return me, err
}

// GetUpdates returns the updates from offset on (the ID after the last one
// handled, which also confirms the earlier ones to Telegram), waiting up to
// timeout for one to arrive.
func (c *Client) GetUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]Update, error) {
	params := struct {
		Offset         int64    `json:"offset"`
		Timeout        int      `json:"timeout"`
		Limit          int      `json:"limit"`
		AllowedUpdates []string `json:"allowed_updates"`
	}{offset, int(timeout / time.Second), 100, []string{"message"}}
	var updates []Update
	err := c.call(ctx, "getUpdates", params, &updates)
	return updates, err
}

// SendMessage sends text, as plain text, to a chat.
func (c *Client) SendMessage(ctx context.Context, chatID int64, text string) error {
	params := struct {
		ChatID int64  `json:"chat_id"`
		Text   string `json:"text"`
	}{chatID, text}
	return c.call(ctx, "sendMessage", params, nil)
}

// SetMyCommands replaces the command menu of the bot.
func (c *Client) SetMyCommands(ctx context.Context, commands []BotCommand) error {
	params := struct {
		Commands []BotCommand `json:"commands"`
	}{commands}
	return c.call(ctx, "setMyCommands", params, nil)
}

// call posts params as JSON to method and decodes the result into result.
func (c *Client) call(ctx context.Context, method string, params, result any) error {
	// Marshalling these plain structs cannot fail.
	body, _ := json.Marshal(params)
	// The token is part of the URL path: it must never be logged, so errors
	// that carry the URL are redacted below.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/bot"+c.token+"/"+method, bytes.NewReader(body))
	if err != nil {
		return c.redact(fmt.Errorf("telegram %s: %w", method, err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return c.redact(err)
	}
	defer resp.Body.Close()

	var answer struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxResponseBytes)).Decode(&answer); err != nil {
		return fmt.Errorf("telegram %s: HTTP %d with an unreadable body: %w", method, resp.StatusCode, err)
	}
	if !answer.OK {
		code := answer.ErrorCode
		if code == 0 {
			code = resp.StatusCode
		}
		return &APIError{
			Method:      method,
			Code:        code,
			Description: answer.Description,
			RetryAfter:  time.Duration(answer.Parameters.RetryAfter) * time.Second,
		}
	}
	if result == nil {
		return nil
	}
	if err := json.Unmarshal(answer.Result, result); err != nil {
		return fmt.Errorf("telegram %s: decoding the result: %w", method, err)
	}
	return nil
}

// redact removes the token from err. net/http reports failures as a
// *url.Error holding the full request URL, token included.
func (c *Client) redact(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		urlErr.URL = strings.ReplaceAll(urlErr.URL, c.token, redacted)
	}
	if c.token == "" || !strings.Contains(err.Error(), c.token) {
		return err
	}
	return &redactedError{err: err, token: c.token}
}

// redactedError hides the token in the message of an error that still
// carries it after the URL was cleaned, keeping the original for errors.Is.
type redactedError struct {
	err   error
	token string
}

func (e *redactedError) Error() string { return strings.ReplaceAll(e.err.Error(), e.token, redacted) }
func (e *redactedError) Unwrap() error { return e.err }
