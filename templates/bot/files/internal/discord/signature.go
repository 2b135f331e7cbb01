// Package discord runs the bot on Discord as an HTTP interactions endpoint:
// Discord POSTs every slash command to /interactions, signed with the
// application's Ed25519 key, and the HTTP response is the bot's reply. It
// also registers the slash commands with the Discord API.
package discord

import (
	"crypto/ed25519"
	"encoding/hex"
)

// Verify reports whether signatureHex (the X-Signature-Ed25519 header) is a
// valid signature by key over timestamp (the X-Signature-Timestamp header)
// followed by body. Discord sends requests that fail this check on purpose,
// and disables an endpoint that accepts them.
func Verify(key ed25519.PublicKey, signatureHex, timestamp string, body []byte) bool {
	if len(key) != ed25519.PublicKeySize || timestamp == "" {
		return false
	}
	sig, err := hex.DecodeString(signatureHex)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return false
	}
	msg := make([]byte, 0, len(timestamp)+len(body))
	msg = append(msg, timestamp...)
	msg = append(msg, body...)
	return ed25519.Verify(key, msg, sig)
}
