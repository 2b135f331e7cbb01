package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"{{module_path}}/internal/commands"
)

// Application command and option types from the Discord API documentation.
const (
	CommandTypeChatInput = 1 // a slash command
	OptionTypeString     = 3
)

// ApplicationCommand is a slash command as the Discord API describes it.
type ApplicationCommand struct {
	ID          string                     `json:"id,omitempty"`
	Type        int                        `json:"type"`
	Name        string                     `json:"name"`
	Description string                     `json:"description"`
	Options     []ApplicationCommandOption `json:"options,omitempty"`
}

// ApplicationCommandOption is an option of a slash command.
type ApplicationCommandOption struct {
	Type        int    `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Required    bool   `json:"required,omitempty"`
}

// Definitions describes cmds as Discord slash commands. Every option is a
// string; the handlers parse and validate their own arguments.
func Definitions(cmds []commands.Command) []ApplicationCommand {
	defs := make([]ApplicationCommand, 0, len(cmds))
	for _, c := range cmds {
		def := ApplicationCommand{Type: CommandTypeChatInput, Name: c.Name, Description: c.Description}
		for _, o := range c.Options {
			def.Options = append(def.Options, ApplicationCommandOption{
				Type:        OptionTypeString,
				Name:        o.Name,
				Description: o.Description,
				Required:    o.Required,
			})
		}
		defs = append(defs, def)
	}
	return defs
}

// Registrar registers slash commands with the Discord API.
type Registrar struct {
	// BaseURL is the API base, such as https://discord.com/api/v10.
	BaseURL string
	// AppID is the application ID from the developer portal.
	AppID string
	// GuildID, when set, registers the commands in that server only. Guild
	// commands appear at once, which suits testing; global ones can take a
	// while to reach every client.
	GuildID string
	// Token is the bot token, sent as "Authorization: Bot <token>".
	Token string
	// UserAgent identifies the bot, as Discord requires:
	// "DiscordBot (URL, version)". Empty means DefaultUserAgent.
	UserAgent string
	// HTTP sends the request; nil means http.DefaultClient.
	HTTP *http.Client
}

// DefaultUserAgent is sent when Registrar.UserAgent is empty.
const DefaultUserAgent = "DiscordBot (https://{{module_path}}, dev)"

// maxErrorBytes bounds how much of an error answer is read.
const maxErrorBytes = 64 << 10

// Register replaces the application's commands with cmds. The PUT is a bulk
// overwrite: commands registered before and no longer in cmds are deleted.
// It returns the commands as Discord stored them, with their IDs.
func (r Registrar) Register(ctx context.Context, cmds []commands.Command) ([]ApplicationCommand, error) {
	path := "/applications/" + url.PathEscape(r.AppID) + "/commands"
	if r.GuildID != "" {
		path = "/applications/" + url.PathEscape(r.AppID) + "/guilds/" + url.PathEscape(r.GuildID) + "/commands"
	}
	// Marshalling these plain structs cannot fail.
	body, _ := json.Marshal(Definitions(cmds))
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, strings.TrimRight(r.BaseURL, "/")+path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("discord: PUT %s: %w", path, err)
	}
	req.Header.Set("Authorization", "Bot "+r.Token)
	req.Header.Set("Content-Type", "application/json")
	userAgent := r.UserAgent
	if userAgent == "" {
		userAgent = DefaultUserAgent
	}
	req.Header.Set("User-Agent", userAgent)

	client := r.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	defer resp.Body.Close()

	if resp.StatusCode/100 != 2 {
		// Discord explains errors in JSON: {"message": "...", "code": 0,
		// "retry_after": 1.5} (the last one with 429 Too Many Requests).
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBytes))
		var apiErr struct {
			Message    string  `json:"message"`
			RetryAfter float64 `json:"retry_after"`
		}
		detail := strings.TrimSpace(string(raw))
		if json.Unmarshal(raw, &apiErr) == nil && apiErr.Message != "" {
			detail = apiErr.Message
		}
		if resp.StatusCode == http.StatusTooManyRequests && apiErr.RetryAfter > 0 {
			detail += fmt.Sprintf(" (try again in %.1fs)", apiErr.RetryAfter)
		}
		return nil, fmt.Errorf("discord: PUT %s: %s: %s", path, resp.Status, detail)
	}
	var registered []ApplicationCommand
	if err := json.NewDecoder(resp.Body).Decode(&registered); err != nil {
		return nil, fmt.Errorf("discord: PUT %s: decoding the answer: %w", path, err)
	}
	return registered, nil
}
