package schema

import (
	"context"
	"encoding/binary"
	"net/http"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/streamctl/streamctl/internal/config"
	"github.com/streamctl/streamctl/internal/record"
)

func framed(id int, data string) []byte {
	b := []byte{0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[1:], uint32(id))
	return append(b, data...)
}

// A record's schema goes to the target with what it references and the
// subject's earlier versions first (same version numbers), the framing of
// keys and values gets the target's ids, and each id is asked for once.
func TestIDMapRegistersInOrderWithReferences(t *testing.T) {
	ctx := context.Background()
	src, _, _ := fakeRegistry(t)
	dst, dstFake, _ := fakeRegistry(t)
	// Other schemas in the target first: its ids differ from the source's.
	if _, err := dst.Register(ctx, "unrelated", sr.Schema{Schema: `{"type":"record","name":"U","fields":[]}`}); err != nil {
		t.Fatal(err)
	}
	money := `{"type":"record","name":"Money","namespace":"m","fields":[{"name":"cents","type":"long"}]}`
	if _, err := src.Register(ctx, "money", sr.Schema{Schema: money}); err != nil {
		t.Fatal(err)
	}
	refs := []sr.SchemaReference{{Name: "m.Money", Subject: "money", Version: 1}}
	if _, err := src.Register(ctx, "orders-value", sr.Schema{Schema: `{"type":"record","name":"O","fields":[{"name":"a","type":"m.Money"}]}`, References: refs}); err != nil {
		t.Fatal(err)
	}
	v2 := `{"type":"record","name":"O","fields":[{"name":"a","type":"m.Money"},{"name":"b","type":"string","default":""}]}`
	id2, err := src.Register(ctx, "orders-value", sr.Schema{Schema: v2, References: refs})
	if err != nil {
		t.Fatal(err)
	}
	keyID, err := src.Register(ctx, "orders-key", sr.Schema{Schema: `"string"`})
	if err != nil {
		t.Fatal(err)
	}

	var lookups int
	dstFake.Intercept(func(_ http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/versions") {
			lookups++
		}
		return false
	})
	m := NewIDMap(src, dst, nil, nil)
	step := m.Step(ctx)
	for range 3 {
		rec := &record.Record{Key: framed(keyID, "k"), Value: framed(id2, "v")}
		if _, err := step(rec); err != nil {
			t.Fatal(err)
		}
		got, err := dst.Version(ctx, "orders-value", 2)
		if err != nil {
			t.Fatalf("the subject's version 2 in the target: %v", err)
		}
		if int(binary.BigEndian.Uint32(rec.Value[1:5])) != got.ID || got.ID == id2 || string(rec.Value[5:]) != "v" {
			t.Errorf("value framing %x, want the target's id %d (source's %d)", rec.Value, got.ID, id2)
		}
		if got.Schema.Schema != v2 || len(got.References) != 1 || got.References[0] != refs[0] {
			t.Errorf("target's version 2: %+v", got)
		}
		key, err := dst.Version(ctx, "orders-key", 1)
		if err != nil || int(binary.BigEndian.Uint32(rec.Key[1:5])) != key.ID {
			t.Errorf("key framing %x, target's key schema %+v, %v", rec.Key, key, err)
		}
	}
	if lookups != 4 { // money 1, orders-value 1 and 2, orders-key 1: once each
		t.Errorf("%d registrations in the target, want 4", lookups)
	}
	// Not framed: left alone.
	rec := &record.Record{Key: []byte("plain"), Value: []byte{0, 1}}
	if _, err := step(rec); err != nil || string(rec.Key) != "plain" {
		t.Errorf("unframed: %q, %v", rec.Key, err)
	}
}

// A schema the target refuses stops the record, naming subject and
// version; an id the source does not know says how to copy bytes as they
// are; no source registry copies ids as they are, with one warning.
func TestIDMapErrors(t *testing.T) {
	ctx := context.Background()
	src, _, _ := fakeRegistry(t)
	dst, dstFake, _ := fakeRegistry(t)
	id, err := src.Register(ctx, "orders-value", sr.Schema{Schema: `"string"`})
	if err != nil {
		t.Fatal(err)
	}
	dstFake.Intercept(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/versions") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusConflict)
			_, _ = w.Write([]byte(`{"error_code":409,"message":"Schema being registered is incompatible with an earlier schema"}`))
			return true
		}
		return false
	})
	step := NewIDMap(src, dst, nil, nil).Step(ctx)
	_, err = step(&record.Record{Value: framed(id, "x")})
	if err == nil || !strings.Contains(err.Error(), `value: the target registry refused subject "orders-value" version 1`) || !strings.Contains(err.Error(), "incompatible") {
		t.Errorf("refused: %v", err)
	}
	_, err = step(&record.Record{Value: framed(999, "x")})
	if err == nil || !strings.Contains(err.Error(), "schema id 999 is not in the source registry") || !strings.Contains(err.Error(), "--keep-schema-ids") {
		t.Errorf("unknown id: %v", err)
	}
	_, err = NewIDMap(src, nil, config.ErrNoRegistry, nil).Step(ctx)(&record.Record{Value: framed(id, "x")})
	if err == nil || !strings.Contains(err.Error(), `schema id 1 (subject "orders-value" version 1) has nowhere to go: no schema registry`) {
		t.Errorf("no target registry: %v", err)
	}
	var warned []string
	step = NewIDMap(nil, dst, nil, func(s string) { warned = append(warned, s) }).Step(ctx)
	for range 2 {
		rec := &record.Record{Value: framed(id, "x")}
		if _, err := step(rec); err != nil || int(binary.BigEndian.Uint32(rec.Value[1:5])) != id {
			t.Errorf("no source registry: %x, %v", rec.Value, err)
		}
	}
	if len(warned) != 1 {
		t.Errorf("warned %q, want once", warned)
	}
}
