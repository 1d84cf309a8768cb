package rdk

import "testing"

// Every handle of the binding starts from the handles' defaults
// (clientconfig.Defaults: a broker learned from the bootstrap answer is
// connected to after 11 ms, not 50), under a handle's own settings and the
// cluster's properties, which win.
func TestHandlesStartFromTheDefaults(t *testing.T) {
	cl := &Client{props: map[string]string{"bootstrap.servers": "b:1"}}
	if got := cl.rdkConfig(map[string]string{"acks": "all"}); got["reconnect.backoff.ms"] != "20" || got["acks"] != "all" || got["bootstrap.servers"] != "b:1" {
		t.Errorf("a handle's configuration %v, want the default reconnect.backoff.ms 20 under its own and the cluster's", got)
	}
	if got := cl.rdkConfig(map[string]string{"reconnect.backoff.ms": "5"}); got["reconnect.backoff.ms"] != "5" {
		t.Errorf("a handle's own reconnect.backoff.ms 5 became %q", got["reconnect.backoff.ms"])
	}
	cl.props["reconnect.backoff.ms"] = "300" // -X or the profile's properties
	if got := cl.rdkConfig(map[string]string{}); got["reconnect.backoff.ms"] != "300" {
		t.Errorf("-X reconnect.backoff.ms=300 became %q", got["reconnect.backoff.ms"])
	}
}
