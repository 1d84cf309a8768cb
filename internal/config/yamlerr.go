package config

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/streamctl/streamctl/internal/suggest"
)

// yamlError words the YAML decoder's type errors in the config file's own
// terms: the decoder names Go types and YAML tags ("cannot unmarshal !!seq
// into config.Profile"), which mean nothing to whoever edits the file.
func yamlError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	lines := make([]string, len(te.Errors))
	for i, e := range te.Errors {
		lines[i] = yamlProblem(e)
	}
	return errors.New(strings.Join(lines, "; "))
}

var (
	yamlMismatch = regexp.MustCompile("^(line \\d+): cannot unmarshal !!(\\w+) (?:`(.*)` )?into (\\S+)$")
	yamlUnknown  = regexp.MustCompile(`^(line \d+): field (\S+) not found in type (\S+)$`)
)

// yamlKinds name YAML's tags as people say them.
var yamlKinds = map[string]string{
	"seq": "a list", "map": "a mapping", "str": "text", "int": "a number", "float": "a number",
	"bool": "true or false", "null": "nothing", "timestamp": "a time",
}

// configTypes describe the Go types the config file decodes into; a struct
// lists its keys.
var configTypes = map[string]struct {
	what string
	keys reflect.Type
}{
	"config.File":                {"the config file", reflect.TypeFor[File]()},
	"config.Profile":             {"a profile", reflect.TypeFor[Profile]()},
	"config.SASL":                {"the sasl block", reflect.TypeFor[SASL]()},
	"config.TLS":                 {"the tls block", reflect.TypeFor[TLS]()},
	"config.SchemaRegistry":      {"the schema_registry block", reflect.TypeFor[SchemaRegistry]()},
	"map[string]*config.Profile": {"profiles by name (a mapping)", nil},
	"[]string":                   {"a list", nil},
	"map[string]string":          {"name: value pairs (a mapping)", nil},
	"string":                     {"text", nil},
	"bool":                       {"true or false", nil},
	"*bool":                      {"true or false", nil},
}

func yamlProblem(e string) string {
	if m := yamlUnknown.FindStringSubmatch(e); m != nil {
		what, keys := describeConfigType(m[3])
		hint := suggest.Hint(suggest.Closest(m[2], keys, 1))
		if hint != "" {
			hint = "; " + hint
		}
		return fmt.Sprintf("%s: unknown key %q in %s%s (its keys: %s)", m[1], m[2], what, hint, strings.Join(keys, ", "))
	}
	if m := yamlMismatch.FindStringSubmatch(e); m != nil {
		got := yamlKinds[m[2]]
		if got == "" {
			got = m[2]
		}
		if m[3] != "" {
			got = fmt.Sprintf("%q", m[3])
		}
		what, keys := describeConfigType(m[4])
		if len(keys) > 0 {
			what += " (keys: " + strings.Join(keys, ", ") + ")"
		}
		return fmt.Sprintf("%s: want %s, got %s", m[1], what, got)
	}
	return e
}

// describeConfigType names a Go type of the config file and, for a block,
// its keys.
func describeConfigType(goType string) (string, []string) {
	d, ok := configTypes[goType]
	if !ok {
		return "another kind of value", nil
	}
	var keys []string
	if d.keys != nil {
		for i := range d.keys.NumField() {
			if tag, _, _ := strings.Cut(d.keys.Field(i).Tag.Get("yaml"), ","); tag != "" && tag != "-" {
				keys = append(keys, tag)
			}
		}
	}
	return d.what, keys
}
