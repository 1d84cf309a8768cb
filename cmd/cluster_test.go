package cmd_test

import (
	"strings"
	"testing"
)

func TestClusterDescribe(t *testing.T) {
	t.Parallel()
	b := startBroker(t)
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"cluster_describe.json", []string{"cluster", "describe", "-o", "json"}},
		{"cluster_describe.yaml", []string{"cluster", "describe", "-o", "yaml"}},
		{"cluster_describe.table", []string{"cluster", "describe"}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			r := run(t, b.args(tt.args...)...).ok(t)
			golden(t, tt.golden, b.normalise(r.out))
			if r.errOut != "" {
				t.Errorf("stderr = %q, want nothing", r.errOut)
			}
		})
	}

	// The port must be the broker's real one, not just any number.
	r := run(t, b.args("cluster", "describe", "-o", "json")...).ok(t)
	if !strings.Contains(r.out, `"host": "127.0.0.1"`) || !strings.Contains(r.out, `"port": `+strings.TrimPrefix(b.addr, "127.0.0.1:")) {
		t.Errorf("stdout does not name the broker %s:\n%s", b.addr, r.out)
	}
}

func TestClusterDescribeWithProfile(t *testing.T) {
	cfg := isolate(t)
	b := startBroker(t)
	run(t, "profile", "create", "local", "--brokers", b.addr).ok(t)
	// The profile alone, with no --brokers, reaches the cluster.
	r := run(t, "cluster", "describe", "-o", "json").ok(t)
	if !strings.Contains(r.out, `"cluster_id": "streamctl-playground"`) {
		t.Errorf("stdout = %s", r.out)
	}
	// --config points elsewhere: no profile there, so no brokers.
	r = run(t, "cluster", "describe", "--config", cfg+".other").exit(t, 1)
	if !strings.Contains(r.errOut, "no brokers") {
		t.Errorf("stderr = %q", r.errOut)
	}
}
