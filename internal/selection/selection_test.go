package selection

import (
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/pipeline"
	"github.com/streamctl/streamctl/internal/record"
)

func TestParseOffsets(t *testing.T) {
	got, err := ParseOffsets("0:5, 1:7-9")
	if err != nil || len(got) != 2 || got[0] != (OffsetRange{0, 5, 5}) || got[1] != (OffsetRange{1, 7, 9}) {
		t.Errorf("ParseOffsets = %v, %v", got, err)
	}
	for _, bad := range []string{"5", "a:1", "0:x", "0:9-7", "-1:3", "0:1-"} {
		if _, err := ParseOffsets(bad); err == nil {
			t.Errorf("ParseOffsets(%q) did not fail", bad)
		}
	}
}

func TestSelectionSteps(t *testing.T) {
	recs := []*record.Record{
		{Key: []byte("a"), Value: []byte(`{"type":"OrderPaid","n":1}`)},
		{Key: []byte("b"), Value: []byte(`{"n":2}`), Headers: []record.Header{{Key: "type", Value: []byte("OrderPaid")}, {Key: "src", Value: []byte("web")}}},
		{Key: []byte("c"), Value: []byte(`not json`), Headers: []record.Header{{Key: "src", Value: []byte("app")}}},
		{Value: []byte(`{"type":"OrderCreated","n":3}`)},
	}
	keep := func(sel *Selection) string {
		var steps []pipeline.Step
		steps = append(steps, sel.Match()...)
		for _, s := range []pipeline.Step{sel.EventType(), sel.WhereStep()} {
			if s != nil {
				steps = append(steps, s)
			}
		}
		var kept []string
		for _, rec := range recs {
			ok := true
			for _, s := range steps {
				if ok, _ = s(rec); !ok {
					break
				}
			}
			if ok {
				kept = append(kept, string(rec.Key)+"|")
			}
		}
		return strings.Join(kept, "")
	}
	for _, tt := range []struct {
		spec Spec
		want string
	}{
		{Spec{}, "a|b|c||"},
		{Spec{Key: []byte("b"), KeySet: true}, "b|"},
		{Spec{Key: []byte{}, KeySet: true}, ""}, // the empty key is not a null key
		{Spec{Headers: []string{"src"}}, "b|c|"},
		{Spec{Headers: []string{"src=app"}}, "c|"},
		{Spec{EventTypes: []string{"OrderPaid"}, TypeField: "type"}, "a|b|"}, // a JSON field or a header
		{Spec{Where: ".n >= 2"}, "b||"},
	} {
		sel, err := New(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := keep(sel); got != tt.want {
			t.Errorf("%+v kept %q, want %q", tt.spec, got, tt.want)
		}
	}
	if _, err := New(Spec{Where: ".n >"}); !exitcode.IsUsage(err) {
		t.Errorf("a --where that does not compile: %v, want a usage error", err)
	}
}
