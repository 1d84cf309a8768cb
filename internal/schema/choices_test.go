package schema

import (
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/exitcode"
)

// The decoding flags refuse what needs a schema file without one, as
// usage errors, and say which side goes where.
func TestDecodeChoicesCheck(t *testing.T) {
	for _, c := range []struct {
		d    DecodeChoices
		want string
	}{
		{DecodeChoices{Spec: "keys"}, `--decode="keys"`},
		{DecodeChoices{Value: LocalSchema{Message: "shop.Order"}}, `--proto-message goes with --value-schema FILE`},
		{DecodeChoices{Key: LocalSchema{Message: "shop.Key"}}, `--key-proto-message goes with --key-schema FILE`},
		{DecodeChoices{Unframed: true}, `--unframed goes with --value-schema FILE or --key-schema FILE`},
		{DecodeChoices{SchemaType: "avro"}, `--schema-type goes with`},
		{DecodeChoices{Value: LocalSchema{File: "a.avsc"}, Paths: []string{"d"}}, `--schema-path goes with --unframed`},
		{DecodeChoices{Value: LocalSchema{File: "a.x"}, SchemaType: "xml"}, `xml`},
	} {
		_, err := c.d.Check()
		if err == nil || !strings.Contains(err.Error(), c.want) || !exitcode.IsUsage(err) {
			t.Errorf("%+v: want a usage error with %q, got %v", c.d, c.want, err)
		}
	}
	spec, err := (&DecodeChoices{Spec: "key", Value: LocalSchema{File: "v.proto", Message: "shop.V"}}).Check()
	if err != nil {
		t.Fatal(err)
	}
	if !spec.Key.Registry || spec.Value.Registry || spec.Value.File != "v.proto" || spec.Value.Message != "shop.V" {
		t.Errorf("spec %+v: want the key from the registry, the value from its file", spec)
	}
	if _, err := ParseReferences([]string{"shop.Money"}); !exitcode.IsUsage(err) {
		t.Errorf("a malformed --reference: %v, want a usage error", err)
	}
}
