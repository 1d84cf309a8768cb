package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/streamctl/streamctl/internal/output"
)

// VersionsGrid is the table of subject versions (schema get, versions).
func VersionsGrid(versions []Version) *output.Grid {
	g := output.NewGrid("SUBJECT", "VERSION", "ID", "TYPE", "REFERENCES")
	g.Empty = "No versions found."
	for _, v := range versions {
		refs := ""
		for i, r := range v.References {
			if i > 0 {
				refs += ", "
			}
			refs += r.Name + "=" + r.Subject + "@" + strconv.Itoa(r.Version)
		}
		g.Row(v.Subject, strconv.Itoa(v.Version), strconv.Itoa(v.ID), v.Type, refs)
	}
	return g
}

// VersionList names a subject's versions for an error: "versions 1, 2, 4".
func VersionList(vs []Version) string {
	if len(vs) == 0 {
		return "it has no versions"
	}
	s := "versions"
	for i, v := range vs {
		if i > 0 {
			s += ","
		}
		s += " " + strconv.Itoa(v.Version)
	}
	return s
}

func SubjectName(s string) string {
	if s == "" {
		return "(global)"
	}
	return s
}

// ByID is what `schema get --id` prints: the schema and the subject
// versions that use it.
type ByID struct {
	Version `yaml:",inline"`
	UsedBy  []Reference `json:"used_by" yaml:"used_by"`
}

// Grids are its facts and the subject versions that use it.
func (b *ByID) Grids() []*output.Grid {
	facts := output.NewGrid("ID", "TYPE")
	facts.Row(fmt.Sprint(b.ID), b.Type)
	u := output.NewGrid("USED-BY-SUBJECT", "VERSION")
	for _, r := range b.UsedBy {
		u.Row(r.Subject, fmt.Sprint(r.Version))
	}
	return []*output.Grid{facts, u}
}

// IndentJSON indents a JSON schema (Avro, JSON Schema) for reading; other
// text (.proto) is shown as it is.
func IndentJSON(s string) string {
	var b bytes.Buffer
	if json.Indent(&b, []byte(s), "", "  ") != nil {
		return s
	}
	return b.String()
}
