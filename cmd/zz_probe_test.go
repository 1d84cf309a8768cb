package cmd_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/streamctl/streamctl/cmd"
	"github.com/streamctl/streamctl/internal/format"
)

func TestZZProbe(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	t.Setenv("STREAMCTL_CONFIG", cfg)
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(0), kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "alice", "s3cret-pw-XYZ"))
	if err != nil { t.Fatal(err) }
	defer c.Close()
	addr := c.ListenAddrs()[0]
	for _, pw := range []string{"s3cret-pw-XYZ", "wrong-pw-QQQ"} {
		os.WriteFile(cfg, []byte("current_profile: s\nprofiles:\n  s:\n    brokers: ["+addr+"]\n    sasl:\n      mechanism: SCRAM-SHA-256\n      username: alice\n      password: "+pw+"\n"), 0o600)
		s := time.Now()
		ios, _, out, errOut := format.Test()
		code := cmd.Run(context.Background(), ios, []string{"topic", "list", "-v", "--timeout", "5s"})
		t.Logf("code=%d took=%s\nOUT:\n%s\nERR:\n%s", code, time.Since(s), out, errOut)
	}
}
