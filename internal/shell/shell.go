// Package shell writes command lines that a POSIX shell runs as printed:
// the hints streamctl prints (a resume command, the command to run next)
// are meant to be copied and pasted.
package shell

import (
	"regexp"
	"strings"
)

// plain is a word no shell reads specially.
var plain = regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`)

// Quote returns s as one shell word: as it is when that is safe, else in
// single quotes, a single quote inside closing them, escaped, and opening
// them again.
func Quote(s string) string {
	if plain.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Join quotes each word and joins them with spaces.
func Join(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = Quote(w)
	}
	return strings.Join(q, " ")
}
