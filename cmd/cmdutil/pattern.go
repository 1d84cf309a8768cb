package cmdutil

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// NamePattern compiles a --pattern value. A pattern with regular-expression
// syntax (^ $ + ( ) | \ { } or .*) is a regular expression matched anywhere in
// the name; anything else is a shell glob (* ? [...]) matched against the
// whole name. An empty pattern matches everything.
func NamePattern(p string) (func(string) bool, error) {
	if p == "" {
		return func(string) bool { return true }, nil
	}
	if strings.ContainsAny(p, `^$+()|\{}`) || strings.Contains(p, ".*") {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("--pattern %q is not a valid regular expression: %w", p, err)
		}
		return re.MatchString, nil
	}
	if _, err := path.Match(p, ""); err != nil {
		return nil, fmt.Errorf("--pattern %q is not a valid glob: %w", p, err)
	}
	return func(name string) bool {
		ok, _ := path.Match(p, name)
		return ok
	}, nil
}
