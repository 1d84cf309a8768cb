package config_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/streamctl/streamctl/internal/config"
)

// Any config file either loads or is refused with an error; a loaded one
// validates and redacts without panicking, and what Save writes is a fixed
// point: loaded and saved again, it is the same bytes (nothing a save
// writes is lost or changed by reading it back).
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"current_profile: dev\nprofiles:\n  dev:\n    brokers: [a:9092, b:9092]\n    timeout: 30s\n",
		"profiles:\n  prod:\n    brokers: [k1:9093]\n    sasl:\n      mechanism: SCRAM-SHA-512\n      username: alice\n      password_env: KPASS\n    tls:\n      ca_file: /etc/ca.pem\n      insecure_skip_verify: true\n    properties:\n      linger.ms: \"5\"\n",
		"profiles:\n  x:\n", "profiles:\n  dev:\n    brokerz: [b:1]\n", "current_profile: [1, 2]\n", "", "---\n", "profiles: {a: {tls: {enabled: false}}}\n",
		"profiles:\n  dev:\n    timeout: forever\n", "&a [*a]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		cf, err := config.Load(path)
		if err != nil {
			return
		}
		for _, name := range cf.Names() {
			p, err := cf.Profile(name)
			if err != nil {
				t.Fatal(err)
			}
			_ = p.Validate()
			_ = p.Redacted()
		}
		if err := cf.Save(); err != nil {
			return // a value YAML cannot write back (rare); not a load problem
		}
		saved, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		again, err := config.Load(path)
		if err != nil {
			t.Fatalf("Load cannot read what Save wrote:\n%s\n%v\n(from %q)", saved, err, data)
		}
		if err := again.Save(); err != nil {
			t.Fatal(err)
		}
		if resaved, _ := os.ReadFile(path); !bytes.Equal(saved, resaved) {
			t.Fatalf("saved, loaded and saved again differs:\n%s\nthen\n%s\n(from %q)", saved, resaved, data)
		}
	})
}
