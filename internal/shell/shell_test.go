package shell_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/shell"
)

// What Join writes, sh reads back as the same words.
func TestJoinRoundTripsThroughSh(t *testing.T) {
	words := []string{"replay", "order-events", "--where", `.type == "OrderPaid"`, "it's", "$HOME", "a b", "", "--exec", "./p.py | tee x", "@-1h", "-X", "client.id=a,b"}
	line := shell.Join(words...)
	got, err := exec.Command("sh", "-c", `set -- `+line+`; for w in "$@"; do printf '[%s]\n' "$w"; done`).Output()
	if err != nil {
		t.Fatalf("sh: %v on %s", err, line)
	}
	var want strings.Builder
	for _, w := range words {
		want.WriteString("[" + w + "]\n")
	}
	if string(got) != want.String() {
		t.Errorf("sh read %s back as\n%s\nwant\n%s", line, got, want.String())
	}
	if q := shell.Quote("order-events"); q != "order-events" {
		t.Errorf("a plain word is quoted: %s", q)
	}
}
