package textio

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/record"
)

// Any -f format either compiles or is refused with an error; a compiled one
// formats records without panicking. And any text, its backslashes and
// percent signs escaped, is printed back exactly: the escapes lose nothing.
func FuzzCompileTemplate(f *testing.F) {
	for _, s := range []string{
		`%t [%p] at %o: %k=%s (%T) %K %S %h\n`, `%R%s`, `\x1f\0x41\0101\10\t\r\\%%`, `\`, `%`, `%z`, `\x`, `\999`,
		"caf\u00e9 %s \u2028", `\0`, `\%s`, `%%%%`, `\0x`, `\0777`,
	} {
		f.Add(s)
	}
	rec := &record.Record{
		Topic: "order-events", Partition: 2, Offset: 42, Timestamp: time.UnixMilli(1795705445123),
		Key: []byte("order-17"), Value: []byte{0, 0xff, '\n'},
		Headers: []record.Header{{Key: "source", Value: []byte("web")}, {Key: "nullh"}},
	}
	f.Fuzz(func(t *testing.T, s string) {
		if tmpl, err := CompileTemplate(s); err == nil {
			tmpl.Append(nil, rec)
			tmpl.Append(nil, &record.Record{})
		} else if err.Error() == "" {
			t.Fatalf("%q: an empty error", s)
		}
		quoted := strings.NewReplacer(`\`, `\\`, `%`, `%%`).Replace(s)
		tmpl, err := CompileTemplate(quoted)
		if err != nil {
			t.Fatalf("%q escaped as %q: %v", s, quoted, err)
		}
		if got := tmpl.Append(nil, rec); !bytes.Equal(got, []byte(s)) {
			t.Fatalf("%q escaped as %q prints %q", s, quoted, got)
		}
	})
}
