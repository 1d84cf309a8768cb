package schema

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
)

// The registry operations behind `streamctl schema`. Their results are plain
// structs; the json/yaml names are a public contract.

// SubjectSummary is one subject and its latest version.
type SubjectSummary struct {
	Subject       string `json:"subject" yaml:"subject"`
	Type          string `json:"type" yaml:"type"` // AVRO, PROTOBUF or JSON
	LatestVersion int    `json:"latest_version" yaml:"latest_version"`
	LatestID      int    `json:"latest_id" yaml:"latest_id"`
}

// Version is one version of a subject, with its schema.
type Version struct {
	Subject    string      `json:"subject,omitempty" yaml:"subject,omitempty"`
	Version    int         `json:"version,omitempty" yaml:"version,omitempty"`
	ID         int         `json:"id" yaml:"id"`
	Type       string      `json:"type" yaml:"type"`
	Schema     string      `json:"schema" yaml:"schema"`
	References []Reference `json:"references" yaml:"references"`
}

// Reference is a schema another refers to, by name, at a subject version.
type Reference struct {
	Name    string `json:"name" yaml:"name"`
	Subject string `json:"subject" yaml:"subject"`
	Version int    `json:"version" yaml:"version"`
}

func versionOf(ss sr.SubjectSchema) Version {
	v := Version{Subject: ss.Subject, Version: ss.Version, ID: ss.ID, Type: typeName(ss.Type), Schema: ss.Schema.Schema, References: []Reference{}}
	for _, r := range ss.References {
		v.References = append(v.References, Reference{Name: r.Name, Subject: r.Subject, Version: r.Version})
	}
	return v
}

// Subjects lists the subjects (those matching match, when not nil), each
// with its latest version. deleted includes soft-deleted subjects.
func (r *Registry) Subjects(ctx context.Context, deleted bool, match func(string) bool) ([]SubjectSummary, error) {
	if deleted {
		ctx = sr.WithParams(ctx, sr.ShowDeleted)
	}
	names, err := r.cl.Subjects(ctx)
	if err != nil {
		return nil, r.Explain(err, "listing subjects")
	}
	sort.Strings(names)
	out := []SubjectSummary{}
	for _, n := range names {
		if match != nil && !match(n) {
			continue
		}
		ss, err := r.cl.SchemaByVersion(ctx, n, -1)
		if err != nil {
			return nil, r.Explain(err, fmt.Sprintf("subject %q", n))
		}
		out = append(out, SubjectSummary{Subject: n, Type: typeName(ss.Type), LatestVersion: ss.Version, LatestID: ss.ID})
	}
	return out, nil
}

// Get returns a subject at a version (-1: the latest).
func (r *Registry) Get(ctx context.Context, subject string, version int) (Version, error) {
	ss, err := r.Version(ctx, subject, version)
	if err != nil {
		return Version{}, err
	}
	return versionOf(ss), nil
}

// GetByID returns the schema with this id and the subject versions that use it.
func (r *Registry) GetByID(ctx context.Context, id int) (Version, []Reference, error) {
	s, err := r.cl.SchemaByID(ctx, id)
	if err != nil {
		return Version{}, nil, r.Explain(err, fmt.Sprintf("schema id %d", id))
	}
	v := versionOf(sr.SubjectSchema{ID: id, Schema: s})
	uses, err := r.cl.SchemaVersionsByID(ctx, id)
	if err != nil {
		return Version{}, nil, r.Explain(err, fmt.Sprintf("the subjects of schema id %d", id))
	}
	used := []Reference{}
	for _, u := range uses {
		used = append(used, Reference{Subject: u.Subject, Version: u.Version})
	}
	return v, used, nil
}

// Versions lists every version of a subject, oldest first.
func (r *Registry) Versions(ctx context.Context, subject string, deleted bool) ([]Version, error) {
	if deleted {
		ctx = sr.WithParams(ctx, sr.ShowDeleted)
	}
	nums, err := r.cl.SubjectVersions(ctx, subject)
	if err != nil {
		return nil, r.Explain(err, fmt.Sprintf("subject %q", subject))
	}
	out := []Version{}
	for _, n := range nums {
		ss, err := r.cl.SchemaByVersion(ctx, subject, n)
		if err != nil {
			return nil, r.Explain(err, fmt.Sprintf("subject %q version %d", subject, n))
		}
		out = append(out, versionOf(ss))
	}
	return out, nil
}

// RegisterResult is what `schema register` prints.
type RegisterResult struct {
	Subject string `json:"subject" yaml:"subject"`
	// Version and ID are 0 in a dry run of a schema the subject does not
	// hold yet: the registry assigns them when it registers it.
	Version int  `json:"version" yaml:"version"`
	ID      int  `json:"id" yaml:"id"`
	DryRun  bool `json:"dry_run" yaml:"dry_run"`
}

// CheckRegister says what registering s under subject would do, registering
// nothing: the version and id the subject already holds it as, or, for a
// schema new to the subject, whether the registry's compatibility check
// (against the latest version, at the subject's level, as "compat check"
// asks) lets it in. An incompatible schema is an error, as registering it
// would be.
func (r *Registry) CheckRegister(ctx context.Context, subject string, s sr.Schema) (RegisterResult, error) {
	res := RegisterResult{Subject: subject, DryRun: true}
	got, err := r.cl.LookupSchema(ctx, subject, s)
	if err == nil {
		res.Version, res.ID = got.Version, got.ID
		return res, nil
	}
	if !notFound(err) {
		return res, r.Explain(err, fmt.Sprintf("looking up the schema under subject %q", subject))
	}
	latest, err := r.cl.SchemaByVersion(ctx, subject, -1)
	if notFound(err) {
		return res, nil // a new subject: nothing to be compatible with
	}
	if err != nil {
		return res, r.Explain(err, fmt.Sprintf("subject %q", subject))
	}
	c, err := r.CheckCompat(ctx, subject, -1, s)
	if err != nil {
		return res, err
	}
	if !c.Compatible {
		return res, fmt.Errorf("registering under subject %q: the registry would refuse it: not compatible with version %d at the subject's compatibility level (%s)",
			subject, latest.Version, strings.Join(c.Messages, "; "))
	}
	return res, nil
}

func notFound(err error) bool {
	var re *sr.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound
}

// RegisterVersion registers s under subject and returns its version and id
// (the existing ones when the subject already has this schema).
func (r *Registry) RegisterVersion(ctx context.Context, subject string, s sr.Schema) (RegisterResult, error) {
	ss, err := r.cl.CreateSchema(ctx, subject, s)
	if err != nil {
		return RegisterResult{}, r.Explain(err, fmt.Sprintf("registering under subject %q", subject))
	}
	if ss.Version == 0 { // registries answer with the id only
		if got, err := r.cl.LookupSchema(ctx, subject, s); err == nil {
			ss.Version = got.Version
		}
	}
	return RegisterResult{Subject: subject, Version: ss.Version, ID: ss.ID}, nil
}

// Delete soft-deletes a subject or one version of it (version > 0), or
// hard-deletes it (permanent; the registry wants a soft delete first, so a
// permanent delete does both). It returns the versions deleted.
func (r *Registry) Delete(ctx context.Context, subject string, version int, permanent bool) ([]int, error) {
	if version > 0 {
		err := r.cl.DeleteSchema(ctx, subject, version, sr.SoftDelete)
		if err == nil && permanent {
			err = r.cl.DeleteSchema(ctx, subject, version, sr.HardDelete)
		}
		if err != nil {
			return nil, r.Explain(err, fmt.Sprintf("deleting subject %q version %d", subject, version))
		}
		return []int{version}, nil
	}
	versions, err := r.cl.DeleteSubject(ctx, subject, sr.SoftDelete)
	if err == nil && permanent {
		_, err = r.cl.DeleteSubject(ctx, subject, sr.HardDelete)
	}
	if err != nil {
		return nil, r.Explain(err, fmt.Sprintf("deleting subject %q", subject))
	}
	return versions, nil
}

// CompatResult is what `schema compat check` prints.
type CompatResult struct {
	Subject    string   `json:"subject" yaml:"subject"`
	Version    string   `json:"version" yaml:"version"` // "latest" or a number
	Compatible bool     `json:"compatible" yaml:"compatible"`
	Messages   []string `json:"messages" yaml:"messages"`
}

// CheckCompat asks whether s could be registered as the next version of
// subject, under the subject's compatibility level, against version (-1:
// the latest).
func (r *Registry) CheckCompat(ctx context.Context, subject string, version int, s sr.Schema) (CompatResult, error) {
	res, err := r.cl.CheckCompatibility(ctx, subject, version, s)
	if err != nil {
		return CompatResult{}, r.Explain(err, fmt.Sprintf("checking compatibility with subject %q", subject))
	}
	v := "latest"
	if version > 0 {
		v = fmt.Sprint(version)
	}
	msgs := res.Messages
	if msgs == nil {
		msgs = []string{}
	}
	return CompatResult{Subject: subject, Version: v, Compatible: res.Is, Messages: msgs}, nil
}

// Levels are the compatibility levels, as the registry spells them.
var Levels = []string{"NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"}

// CompatLevel is one subject's (or the global, Subject "") compatibility level.
type CompatLevel struct {
	Subject string `json:"subject" yaml:"subject"` // "" for the registry's global level
	Level   string `json:"compatibility" yaml:"compatibility"`
}

// Levels returns the compatibility level of each subject (the global one
// for none), falling back to the global level where a subject has none.
func (r *Registry) Levels(ctx context.Context, subjects []string) ([]CompatLevel, error) {
	if len(subjects) == 0 {
		subjects = []string{""}
	}
	ctx = sr.WithParams(ctx, sr.DefaultToGlobal)
	var out []CompatLevel
	for _, res := range r.cl.Compatibility(ctx, subjects...) {
		if res.Err != nil {
			return nil, r.Explain(res.Err, "compatibility level of "+subjectOrGlobal(res.Subject))
		}
		out = append(out, CompatLevel{Subject: res.Subject, Level: res.Level.String()})
	}
	return out, nil
}

// SetLevel sets the compatibility level of each subject (the global one for
// none).
func (r *Registry) SetLevel(ctx context.Context, level string, subjects []string) ([]CompatLevel, error) {
	var l sr.CompatibilityLevel
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("compatibility level %q: use one of %s", level, strings.Join(Levels, ", "))
	}
	if len(subjects) == 0 {
		subjects = []string{""}
	}
	var out []CompatLevel
	for _, res := range r.cl.SetCompatibility(ctx, sr.SetCompatibility{Level: l}, subjects...) {
		if res.Err != nil {
			return nil, r.Explain(res.Err, "setting the compatibility level of "+subjectOrGlobal(res.Subject))
		}
		out = append(out, CompatLevel{Subject: res.Subject, Level: l.String()})
	}
	return out, nil
}

func subjectOrGlobal(s string) string {
	if s == "" {
		return "the registry (global)"
	}
	return fmt.Sprintf("subject %q", s)
}
