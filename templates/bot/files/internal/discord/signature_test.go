package discord

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"testing"
)

// testKeys returns a key pair generated from a fixed seed, so that failures
// reproduce exactly.
func testKeys(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	public, private, err := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{7}, ed25519.SeedSize)))
	if err != nil {
		t.Fatal(err)
	}
	return public, private
}

// sign returns the X-Signature-Ed25519 value Discord would send.
func sign(private ed25519.PrivateKey, timestamp string, body []byte) string {
	return hex.EncodeToString(ed25519.Sign(private, append([]byte(timestamp), body...)))
}

func TestVerify(t *testing.T) {
	public, private := testKeys(t)
	otherPublic, _, err := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{8}, ed25519.SeedSize)))
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"type":1}`)
	const ts = "1735689600"
	good := sign(private, ts, body)

	tests := []struct {
		name      string
		key       ed25519.PublicKey
		signature string
		timestamp string
		body      []byte
		want      bool
	}{
		{"valid", public, good, ts, body, true},
		{"other body", public, good, ts, []byte(`{"type":2}`), false},
		{"other timestamp", public, good, "1735689601", body, false},
		{"other key", otherPublic, good, ts, body, false},
		{"no timestamp", public, sign(private, "", body), "", body, false},
		{"no signature", public, "", ts, body, false},
		{"not hex", public, "zz" + good[2:], ts, body, false},
		{"short signature", public, good[:64], ts, body, false},
		{"no key", nil, good, ts, body, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Verify(tc.key, tc.signature, tc.timestamp, tc.body); got != tc.want {
				t.Errorf("Verify = %v, want %v", got, tc.want)
			}
		})
	}
}
