// Package testkit holds what the tests of several packages share: golden
// files and an address nobody listens on. Only tests import it.
package testkit

import (
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Golden compares got with testdata/name.golden, or rewrites that file
// when update is set (each package's -update flag).
func Golden(t testing.TB, update bool, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test with -update if the change is intended)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}

// ClosedPort returns an address on which nothing listens.
func ClosedPort(t testing.TB) string {
	t.Helper()
	// Below the kernel's range for port 0 (32768 and up on Linux), so no
	// listener a test starts on a free port can take it meanwhile (a port
	// freed by closing a listener was, now and then); one that refuses a
	// connection now has nobody listening.
	start := 20000 + rand.IntN(10000)
	for p := start; p < start+1000; p++ {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(p))
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			continue
		}
		return addr
	}
	t.Fatal("no closed port between 20000 and 31000")
	return ""
}
