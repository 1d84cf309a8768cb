package schema

import (
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
