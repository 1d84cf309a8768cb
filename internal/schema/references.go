package schema

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
)

// Schema references: a schema registered with references uses types kept
// under other subjects, by name: an Avro named type's full name, a Protobuf
// import's path. The registry stores the names with the subject versions;
// a client compiles the referenced schemas first.

// ParseReference reads a --reference value, NAME=SUBJECT[:VERSION]; the
// version is the subject's latest without one (resolved when registering).
func ParseReference(s string) (Reference, error) {
	name, subject, ok := strings.Cut(s, "=")
	if !ok || name == "" || subject == "" {
		return Reference{}, fmt.Errorf("--reference %q: want NAME=SUBJECT[:VERSION] (the Avro type's full name or the Protobuf import path, then the subject that holds it)", s)
	}
	ref := Reference{Name: name, Subject: subject, Version: -1}
	if i := strings.LastIndexByte(subject, ':'); i > 0 {
		switch v := subject[i+1:]; {
		case v == "latest":
			ref.Subject = subject[:i]
		default:
			if n, err := strconv.Atoi(v); err == nil {
				if n < 1 {
					return Reference{}, fmt.Errorf("--reference %q: version %d: versions start at 1", s, n)
				}
				ref.Subject, ref.Version = subject[:i], n
			}
		}
	}
	return ref, nil
}

// SchemaFile is a schema file to register, and the registry subjects it
// refers to.
type SchemaFile struct {
	Path   string
	Schema sr.Schema
	refs   []Reference
}

// ReadSchemaFile reads a schema file; typ overrides the type its name
// suggests. Without references it is compiled at once, to catch mistakes
// before the registry sees it; with them, Prepare compiles it.
func ReadSchemaFile(path, typ string, refs []Reference) (*SchemaFile, error) {
	t, err := fileType(path, typ)
	if err != nil {
		return nil, err
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f := &SchemaFile{Path: path, Schema: sr.Schema{Schema: string(text), Type: t}, refs: refs}
	if len(refs) == 0 {
		if _, err := f.compile(nil); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (f *SchemaFile) compile(refs []reference) (*Schema, error) {
	s, err := compile(f.Schema.Type, f.Schema.Schema, refs)
	if err != nil {
		err = inFile(err, f.Path)
		hint := ""
		if msg := err.Error(); len(f.refs) == 0 && (strings.Contains(msg, "could not resolve path") || strings.Contains(msg, "unknown type")) {
			hint = " (a type or import kept under another subject needs --reference NAME=SUBJECT[:VERSION])"
		}
		return nil, fmt.Errorf("%s is not a valid %s schema: %w%s", f.Path, typeName(f.Schema.Type), err, hint)
	}
	s.Path = f.Path
	return s, nil
}

// Prepare fetches the subject versions the file refers to (a latest one
// resolved to its number) and compiles the file with them. The schema it
// returns, references and all, is what to register or check.
func (r *Registry) Prepare(ctx context.Context, f *SchemaFile) (sr.Schema, *Schema, error) {
	out := f.Schema
	out.References = nil
	r.mu.Lock()
	for _, ref := range f.refs {
		ss, err := r.versionLocked(ctx, ref.Subject, ref.Version)
		if err != nil {
			r.mu.Unlock()
			return sr.Schema{}, nil, fmt.Errorf("--reference %s: %w", ref.Name, err)
		}
		out.References = append(out.References, sr.SchemaReference{Name: ref.Name, Subject: ref.Subject, Version: ss.Version})
	}
	texts, err := r.referencesLocked(ctx, out.References, map[string]bool{})
	r.mu.Unlock()
	if err != nil {
		return sr.Schema{}, nil, err
	}
	s, err := f.compile(texts)
	if err != nil {
		return sr.Schema{}, nil, err
	}
	return out, s, nil
}
