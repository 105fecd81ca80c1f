package main

import (
	"bytes"
	"strings"
	"testing"
)

// A serve setting from the environment that cannot be read stops the
// server with a message naming the variable, rather than falling back to a
// default the administrator did not choose.
func TestServeEnvRefused(t *testing.T) {
	for _, tc := range []struct{ name, value, want string }{
		{"HQ_RATE", "fast", `HQ_RATE="fast" is not a number`},
		{"HQ_MAX_BUNDLE", "1e9", `HQ_MAX_BUNDLE="1e9" is not a number`},
		{"HQ_MAX_UPLOADS", "-", `HQ_MAX_UPLOADS="-" is not a number`},
		{"HQ_MAX_ATTACHMENT", "10MB", `HQ_MAX_ATTACHMENT="10MB" is not a number`},
		{"HQ_READ_STALL", "60", `HQ_READ_STALL="60" is not a duration`},
		{"HQ_UPLOAD_TTL", "7d", `HQ_UPLOAD_TTL="7d" is not a duration`},
		{"HQ_SHUTDOWN_TIMEOUT", "soon", `HQ_SHUTDOWN_TIMEOUT="soon" is not a duration`},
		{"HQ_INSECURE", "yes", `HQ_INSECURE="yes" is not 1 or 0`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tc.name, tc.value)
			var out, errb bytes.Buffer
			code := run([]string{"serve", "--insecure", "--data", t.TempDir()}, nil, &out, &errb)
			if code != 2 || !strings.Contains(errb.String(), tc.want) {
				t.Fatalf("exit %d, %q", code, errb.String())
			}
		})
	}
}
