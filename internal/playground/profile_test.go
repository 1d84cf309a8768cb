package playground

import (
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/testkit"
)

// The playground's profile is created and made current when none is; one
// pointing at a broker that is gone is repointed with a note; one pointing
// at a broker that answers is left alone.
func TestSaveProfile(t *testing.T) {
	file, err := config.Load(filepath.Join(t.TempDir(), "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	current, note, err := SaveProfile(file, "playground", "127.0.0.1:1111", "http://127.0.0.1:2222")
	if err != nil || !current || note != "" || file.Profiles["playground"].Brokers[0] != "127.0.0.1:1111" {
		t.Fatalf("first save: current %v, note %q, err %v", current, note, err)
	}
	gone := testkit.ClosedPort(t)
	file.Profiles["playground"].Brokers = []string{gone}
	file.CurrentProfile = "prod"
	current, note, err = SaveProfile(file, "playground", "127.0.0.1:1111", "http://127.0.0.1:2222")
	if err != nil || current || !strings.Contains(note, "where nothing answers now") {
		t.Errorf("repointing: current %v, note %q, err %v", current, note, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	file.Profiles["playground"].Brokers = []string{l.Addr().String()}
	if _, _, err := SaveProfile(file, "playground", "127.0.0.1:1111", "http://127.0.0.1:2222"); err == nil || !strings.Contains(err.Error(), "where a broker answers (another playground?)") {
		t.Errorf("a live broker: %v", err)
	}
}
