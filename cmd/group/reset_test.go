package group

import (
	"testing"
)

func TestParseTopicScope(t *testing.T) {
	ts, err := parseTopicScope("orders:0,2")
	if err != nil || ts.Topic != "orders" || len(ts.Partitions) != 2 || ts.Partitions[1] != 2 {
		t.Fatalf("got %+v, %v", ts, err)
	}
	if _, err := parseTopicScope("orders:x"); err == nil {
		t.Fatal("orders:x accepted")
	}
}
