package schema

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/streamctl/streamctl/internal/record"
)

// IDMap rewrites the schema ids of framed records copied from a cluster
// with one registry (the source) to a cluster with another (the target),
// so that the target's consumers decode them: the first time a record
// carries an id, the schema is registered in the target under the same
// subjects, with what it references, and the id of the target's copy
// replaces the source's in the framing of every key and value that
// carries it. Each id is looked up once per run.
//
// A subject's versions are registered in the source's order, up to the one
// needed, so that a new subject in the target gets the same version
// numbers. A schema the target refuses (compatibility) fails the record
// that carries it, before it is written.
type IDMap struct {
	src, dst *Registry
	dstErr   error        // why there is no target registry, when dst is nil
	warn     func(string) // once, when records look framed and the source has no registry

	mu       sync.Mutex
	ids      map[int]translated
	done     map[subjectVersion]registered // by source subject and version
	versions map[string][]int              // each source subject's versions
	warned   bool
}

type translated struct {
	id  int
	err error
}

type registered struct{ version, id int }

// NewIDMap translates from src to dst. src nil (no registry for the
// source) copies ids as they are, with one warning; dst nil fails the
// first framed record with dstErr, which says how to configure one.
func NewIDMap(src, dst *Registry, dstErr error, warn func(string)) *IDMap {
	return &IDMap{src: src, dst: dst, dstErr: dstErr, warn: warn, ids: map[int]translated{},
		done: map[subjectVersion]registered{}, versions: map[string][]int{}}
}

// Step rewrites the framing of a record's key and value.
func (m *IDMap) Step(ctx context.Context) func(rec *record.Record) (bool, error) {
	return func(rec *record.Record) (bool, error) {
		var err error
		if rec.Key, err = m.rewrite(ctx, rec.Key); err != nil {
			return false, fmt.Errorf("key: %w", err)
		}
		if rec.Value, err = m.rewrite(ctx, rec.Value); err != nil {
			return false, fmt.Errorf("value: %w", err)
		}
		return true, nil
	}
}

// rewrite returns b with the target's id in its framing; bytes that are
// not framed (no magic byte, too short) come back as they are.
func (m *IDMap) rewrite(ctx context.Context, b []byte) ([]byte, error) {
	if len(b) < 5 || b[0] != 0 {
		return b, nil
	}
	id := int(binary.BigEndian.Uint32(b[1:5]))
	if m.src == nil {
		m.mu.Lock()
		if !m.warned && m.warn != nil {
			m.warned = true
			m.warn(fmt.Sprintf("records look schema-registry framed (schema id %d), but the source profile has no schema registry: their ids are copied as they are", id))
		}
		m.mu.Unlock()
		return b, nil
	}
	tid, err := m.Translate(ctx, id)
	if err != nil || tid == id {
		return b, err
	}
	// A copy: the record's bytes may be shared with the source's buffer.
	out := slices.Clone(b)
	binary.BigEndian.PutUint32(out[1:5], uint32(tid))
	return out, nil
}

// Translate returns the target's id for the source's schema id,
// registering the schema in the target on first use.
func (m *IDMap) Translate(ctx context.Context, id int) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.ids[id]; ok {
		return t.id, t.err
	}
	tid, err := m.translateLocked(ctx, id)
	if errors.Is(err, context.Canceled) {
		return 0, err // not an answer to remember
	}
	m.ids[id] = translated{tid, err}
	return tid, err
}

func (m *IDMap) translateLocked(ctx context.Context, id int) (int, error) {
	uses, err := m.src.cl.SchemaVersionsByID(ctx, id)
	if notFound(err) {
		return 0, fmt.Errorf("schema id %d is not in the source registry at %s (if these bytes are not schema-registry framed, --keep-schema-ids copies them as they are)", id, m.src.url)
	}
	if err != nil {
		return 0, m.src.Explain(err, fmt.Sprintf("schema id %d", id))
	}
	if len(uses) == 0 {
		return 0, fmt.Errorf("schema id %d is under no subject in the source registry at %s, so there is nothing to register it as in the target", id, m.src.url)
	}
	if m.dst == nil {
		return 0, fmt.Errorf("schema id %d (subject %q version %d) has nowhere to go: %w; or pass --keep-schema-ids when both clusters share one registry", id, uses[0].Subject, uses[0].Version, m.dstErr)
	}
	sort.Slice(uses, func(i, j int) bool {
		if uses[i].Subject != uses[j].Subject {
			return uses[i].Subject < uses[j].Subject
		}
		return uses[i].Version < uses[j].Version
	})
	tid := 0
	for _, u := range uses {
		r, err := m.ensureLocked(ctx, u.Subject, u.Version)
		if err != nil {
			return 0, err
		}
		if tid == 0 {
			tid = r.id
		}
	}
	return tid, nil
}

// ensureLocked registers the source subject's versions up to version in
// the target, in order, and returns how the target holds that version.
func (m *IDMap) ensureLocked(ctx context.Context, subject string, version int) (registered, error) {
	key := subjectVersion{subject, version}
	if r, ok := m.done[key]; ok {
		return r, nil
	}
	all, ok := m.versions[subject]
	if !ok {
		var err error
		if all, err = m.src.cl.SubjectVersions(ctx, subject); err != nil {
			return registered{}, m.src.Explain(err, fmt.Sprintf("versions of subject %q", subject))
		}
		sort.Ints(all)
		m.versions[subject] = all
	}
	if !slices.Contains(all, version) {
		all = append(all, version) // a soft-deleted version a record still carries
		sort.Ints(all)
	}
	for _, v := range all {
		if v > version {
			break
		}
		if _, ok := m.done[subjectVersion{subject, v}]; ok {
			continue
		}
		if err := m.registerLocked(ctx, subject, v); err != nil {
			return registered{}, err
		}
	}
	return m.done[key], nil
}

// registerLocked registers one source subject version in the target,
// after what it references.
func (m *IDMap) registerLocked(ctx context.Context, subject string, version int) error {
	ss, err := m.src.Version(ctx, subject, version)
	if err != nil {
		return err
	}
	s := ss.Schema
	s.References = nil
	for _, ref := range ss.References {
		r, err := m.ensureLocked(ctx, ref.Subject, ref.Version)
		if err != nil {
			return fmt.Errorf("reference %q of subject %q version %d: %w", ref.Name, subject, version, err)
		}
		s.References = append(s.References, sr.SchemaReference{Name: ref.Name, Subject: ref.Subject, Version: r.version})
	}
	res, err := m.dst.RegisterVersion(ctx, subject, s)
	if err != nil {
		return fmt.Errorf("the target registry refused subject %q version %d (schema id %d in the source): %w", subject, version, ss.ID, err)
	}
	m.done[subjectVersion{subject, version}] = registered{version: res.Version, id: res.ID}
	return nil
}
