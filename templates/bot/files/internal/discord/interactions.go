package discord

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"{{module_path}}/internal/commands"
	"{{module_path}}/internal/httpserver"
	"{{module_path}}/internal/problem"
)

// Interaction and response types from the Discord API documentation.
const (
	InteractionPing               = 1
	InteractionApplicationCommand = 2

	ResponsePong           = 1
	ResponseChannelMessage = 4 // CHANNEL_MESSAGE_WITH_SOURCE

	// FlagEphemeral shows a message only to the user who ran the command.
	FlagEphemeral = 1 << 6
)

const (
	// commandTimeout bounds a command: Discord shows "The application did
	// not respond" when the answer takes longer than three seconds.
	commandTimeout = 2500 * time.Millisecond
	// maxContentRunes is Discord's limit on the length of a message.
	maxContentRunes = 2000
	// maxClockSkew is how far a signed timestamp may be from the server's
	// clock. The signature covers the timestamp, so a captured request can
	// be replayed only within this window.
	maxClockSkew = 5 * time.Minute
)

// Interaction is the part of an incoming interaction the bot reads.
type Interaction struct {
	ID      string       `json:"id"`
	Type    int          `json:"type"`
	Data    *CommandData `json:"data"`
	GuildID string       `json:"guild_id"`
}

// CommandData describes the slash command that was run.
type CommandData struct {
	Name    string          `json:"name"`
	Options []CommandOption `json:"options"`
}

// CommandOption is one option value the user filled in.
type CommandOption struct {
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
}

// InteractionResponse is the reply to an interaction.
type InteractionResponse struct {
	Type int           `json:"type"`
	Data *ResponseData `json:"data,omitempty"`
}

// ResponseData is the message sent in reply.
type ResponseData struct {
	Content         string          `json:"content"`
	Flags           int             `json:"flags,omitempty"`
	AllowedMentions AllowedMentions `json:"allowed_mentions"`
}

// AllowedMentions says which mentions in a message notify anyone.
type AllowedMentions struct {
	Parse []string `json:"parse"`
}

// interactions is POST /interactions.
func (s *Server) interactions(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, r, http.StatusRequestEntityTooLarge, "request body too large")
			return
		}
		writeError(w, r, http.StatusBadRequest, "could not read the request body")
		return
	}
	// Nothing is parsed before the signature is checked: an unsigned body
	// is untrusted input that has no business reaching the JSON decoder.
	if !Verify(s.opts.PublicKey, r.Header.Get("X-Signature-Ed25519"), r.Header.Get("X-Signature-Timestamp"), body) {
		s.logger.Debug("rejected a request with an invalid signature", slog.String("remote_addr", r.RemoteAddr))
		writeError(w, r, http.StatusUnauthorized, "invalid request signature")
		return
	}
	if !fresh(r.Header.Get("X-Signature-Timestamp"), s.opts.Now()) {
		s.logger.Warn("rejected a signed request with a stale timestamp (a replay, or a wrong clock)",
			slog.String("remote_addr", r.RemoteAddr))
		writeError(w, r, http.StatusUnauthorized, "request timestamp is more than 5 minutes from the server's clock")
		return
	}
	var in Interaction
	if err := json.Unmarshal(body, &in); err != nil {
		writeError(w, r, http.StatusBadRequest, "malformed interaction")
		return
	}

	switch in.Type {
	case InteractionPing:
		// Discord pings the endpoint when its URL is saved in the developer
		// portal, and now and then afterwards.
		httpserver.WriteJSON(w, http.StatusOK, InteractionResponse{Type: ResponsePong})
	case InteractionApplicationCommand:
		if in.Data == nil {
			writeError(w, r, http.StatusBadRequest, "application command without data")
			return
		}
		httpserver.WriteJSON(w, http.StatusOK, s.command(r.Context(), in))
	default:
		// Buttons, autocomplete and modals: the bot registers none of them.
		writeError(w, r, http.StatusBadRequest, "unsupported interaction type")
	}
}

// command runs a slash command and builds its reply.
func (s *Server) command(ctx context.Context, in Interaction) InteractionResponse {
	args := make(commands.Args, len(in.Data.Options))
	for _, o := range in.Data.Options {
		args[o.Name] = optionValue(o.Value)
	}

	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	reply := s.opts.Router.Execute(ctx, in.Data.Name, args)
	cancel()
{{#if with_metrics}}
	if s.commands != nil {
		// Only registered names become label values, keeping series bounded.
		label := in.Data.Name
		if reply.Status == commands.StatusUnknown {
			label = "unknown"
		}
		s.commands.Inc(label, string(reply.Status))
	}
{{/if}}

	attrs := []slog.Attr{
		slog.String("command", in.Data.Name),
		slog.String("status", string(reply.Status)),
		slog.String("interaction_id", in.ID),
		slog.String("guild_id", in.GuildID),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
	}
	if reply.Err != nil {
		s.logger.LogAttrs(ctx, slog.LevelError, "command failed", append(attrs, slog.String("error", reply.Err.Error()))...)
	} else {
		s.logger.LogAttrs(ctx, slog.LevelInfo, "command", attrs...)
	}

	data := &ResponseData{
		Content: commands.Truncate(reply.Text, maxContentRunes),
		// Replies may echo what users typed; an empty list stops an
		// "@everyone" in there from notifying the whole server.
		AllowedMentions: AllowedMentions{Parse: []string{}},
	}
	if reply.Status != commands.StatusOK {
		// Mistakes are shown to the user who made them, not the channel.
		data.Flags = FlagEphemeral
	}
	return InteractionResponse{Type: ResponseChannelMessage, Data: data}
}

// optionValue turns an option value into text: strings are unquoted;
// numbers and booleans keep their JSON spelling.
func optionValue(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// fresh reports whether timestamp, Unix seconds as Discord sends them, is
// within maxClockSkew of now.
func fresh(timestamp string, now time.Time) bool {
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	skew := now.Sub(time.Unix(sec, 0))
	return -maxClockSkew <= skew && skew <= maxClockSkew
}

// writeError answers with an RFC 9457 problem, like every other error the
// server sends.
func writeError(w http.ResponseWriter, r *http.Request, status int, detail string) {
	problem.Write(w, r, problem.New(status, detail))
}
