package schema

import (
	"slices"
	"strings"
	"testing"
)

func TestParseReference(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Reference
		err  string
	}{
		{in: "shop.Money=money-value", want: Reference{Name: "shop.Money", Subject: "money-value", Version: -1}},
		{in: "shop.Money=money-value:3", want: Reference{Name: "shop.Money", Subject: "money-value", Version: 3}},
		{in: "shop/money.proto=shop/money.proto:latest", want: Reference{Name: "shop/money.proto", Subject: "shop/money.proto", Version: -1}},
		// A subject in a context has colons of its own.
		{in: "m.proto=:.staging:money", want: Reference{Name: "m.proto", Subject: ":.staging:money", Version: -1}},
		{in: "m.proto=:.staging:money:2", want: Reference{Name: "m.proto", Subject: ":.staging:money", Version: 2}},
		{in: "shop.Money", err: "want NAME=SUBJECT[:VERSION]"},
		{in: "=money", err: "want NAME=SUBJECT[:VERSION]"},
		{in: "a=money:0", err: "versions start at 1"},
	} {
		got, err := ParseReference(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: err %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: %+v %v, want %+v", tt.in, got, err, tt.want)
		}
	}
}

// The Avro specification's namespace rules: a name with a dot is full; a
// bare one takes the namespace of the nearest enclosing named type, or its
// own "namespace".
func TestAvroNames(t *testing.T) {
	defs, uses, err := avroNames(`{"type":"record","name":"Order","namespace":"shop","fields":[
		{"name":"total","type":"Money"},
		{"name":"fee","type":["null","billing.Fee"]},
		{"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"sku","type":"Sku"}]}}},
		{"name":"tags","type":{"type":"map","values":{"type":"enum","name":"Tag","namespace":"meta","symbols":["A"]}}},
		{"name":"again","type":"Tag"},
		{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
		{"name":"c","type":{"type":"record","name":"x.y.Cust","fields":[{"name":"r","type":"Region"}]}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"shop.Order", "shop.Line", "meta.Tag", "x.y.Cust"}; !slices.Equal(defs, want) {
		t.Errorf("defs = %v, want %v", defs, want)
	}
	if want := []string{"shop.Money", "billing.Fee", "shop.Sku", "shop.Tag", "x.y.Region"}; !slices.Equal(uses, want) {
		t.Errorf("uses = %v, want %v", uses, want)
	}
}
