// Package schema owns everything about Confluent-compatible schema
// registries: the REST client and its per-run cache, the wire framing
// (magic byte, schema id, Protobuf message indexes), and the Avro, Protobuf
// and JSON Schema codecs that turn framed bytes into JSON and back. Commands
// only configure it: consume, replay and dlq inspect decode with a
// RecordDecoder, produce encodes with an Encoder, and `streamctl schema`
// calls the registry operations directly.
//
// The registry protocol is franz-go's pkg/sr (no dependencies of its own);
// Avro is twmb/avro, Protobuf is google.golang.org/protobuf's dynamicpb with
// bufbuild/protocompile parsing the registry's .proto text, and JSON Schema
// is santhosh-tekuri/jsonschema.
package schema

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/streamctl/streamctl/internal/config"
)

// Registry is a schema registry client with a cache for the run: each schema
// id and each subject version is asked for once, whatever the number of
// records that carry it.
type Registry struct {
	cl      *sr.Client
	url     string
	profile string

	mu        sync.Mutex
	byID      map[int]*cached
	byVersion map[subjectVersion]*cachedVersion
}

type cached struct {
	s   *Schema
	err error
}

type subjectVersion struct {
	subject string
	version int // -1: latest, resolved per run once
}

type cachedVersion struct {
	ss  sr.SubjectSchema
	err error
}

// Connect builds a client for the resolved registry. It does not dial:
// the first request does.
func Connect(r *config.Registry) (*Registry, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if t := r.TLS; t.On() {
		cfg, err := tlsConfig(t)
		if err != nil {
			return nil, fmt.Errorf("schema_registry.tls: %w", err)
		}
		tr.TLSClientConfig = cfg
	}
	opts := []sr.ClientOpt{
		sr.URLs(r.URL),
		sr.HTTPClient(&http.Client{Timeout: r.Timeout, Transport: tr}),
		sr.UserAgent("streamctl"),
	}
	if r.Username != "" {
		opts = append(opts, sr.BasicAuth(r.Username, r.Password()))
	}
	if r.Token() != "" {
		opts = append(opts, sr.BearerToken(r.Token()))
	}
	cl, err := sr.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	return &Registry{cl: cl, url: r.URL, profile: r.Profile, byID: map[int]*cached{}, byVersion: map[subjectVersion]*cachedVersion{}}, nil
}

func tlsConfig(t *config.TLS) (*tls.Config, error) {
	cfg := &tls.Config{InsecureSkipVerify: t.InsecureSkipVerify, ServerName: t.ServerName} //nolint:gosec // asked for by name, for tests
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_file %s holds no PEM certificate", t.CAFile)
		}
		cfg.RootCAs = pool
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// URL is the registry's address, for messages.
func (r *Registry) URL() string { return r.url }

// Client is the protocol client, for the `streamctl schema` commands; their
// errors go through Explain.
func (r *Registry) Client() *sr.Client { return r.cl }

// ByID returns the schema with this id, compiled, fetching it (and the
// schemas it references) on first use.
func (r *Registry) ByID(ctx context.Context, id int) (*Schema, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.byID[id]; ok {
		return c.s, c.err
	}
	c := &cached{}
	ss, err := r.cl.SchemaByID(ctx, id)
	if err != nil {
		c.err = r.Explain(err, fmt.Sprintf("schema id %d", id))
	} else {
		c.s, c.err = r.compileLocked(ctx, id, ss)
	}
	r.byID[id] = c
	return c.s, c.err
}

// Version returns a subject's schema at version (-1: the latest), with its id.
func (r *Registry) Version(ctx context.Context, subject string, version int) (sr.SubjectSchema, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.versionLocked(ctx, subject, version)
}

func (r *Registry) versionLocked(ctx context.Context, subject string, version int) (sr.SubjectSchema, error) {
	key := subjectVersion{subject, version}
	if c, ok := r.byVersion[key]; ok {
		return c.ss, c.err
	}
	c := &cachedVersion{}
	c.ss, c.err = r.cl.SchemaByVersion(ctx, subject, version)
	if c.err != nil {
		what := fmt.Sprintf("subject %q version %d", subject, version)
		if version == -1 {
			what = fmt.Sprintf("subject %q", subject)
		}
		c.err = r.Explain(c.err, what)
	}
	r.byVersion[key] = c
	return c.ss, c.err
}

// compileLocked compiles a schema the registry returned, after fetching
// what it references (by subject and version, each once per run).
func (r *Registry) compileLocked(ctx context.Context, id int, s sr.Schema) (*Schema, error) {
	refs, err := r.referencesLocked(ctx, s.References, map[string]bool{})
	if err != nil {
		return nil, fmt.Errorf("schema id %d: %w", id, err)
	}
	out, err := compile(s.Type, s.Schema, refs)
	if err != nil {
		return nil, fmt.Errorf("schema id %d (%s) from %s: %w", id, typeName(s.Type), r.url, err)
	}
	out.ID = id
	return out, nil
}

// referencesLocked returns the referenced schemas depth first, so that a
// schema comes after everything it needs.
func (r *Registry) referencesLocked(ctx context.Context, refs []sr.SchemaReference, seen map[string]bool) ([]reference, error) {
	var out []reference
	for _, ref := range refs {
		if seen[ref.Name] {
			continue
		}
		seen[ref.Name] = true
		ss, err := r.versionLocked(ctx, ref.Subject, ref.Version)
		if err != nil {
			return nil, fmt.Errorf("reference %q: %w", ref.Name, err)
		}
		nested, err := r.referencesLocked(ctx, ss.References, seen)
		if err != nil {
			return nil, err
		}
		out = append(out, nested...)
		out = append(out, reference{name: ref.Name, text: ss.Schema.Schema})
	}
	return out, nil
}

// Register registers s under subject (the registry answers with the
// existing id when the subject already has it) and returns the id.
func (r *Registry) Register(ctx context.Context, subject string, s sr.Schema) (int, error) {
	ss, err := r.cl.CreateSchema(ctx, subject, s)
	if err != nil {
		return 0, r.Explain(err, fmt.Sprintf("registering a schema under subject %q", subject))
	}
	return ss.ID, nil
}

// Error is a failed registry request, worded for people. Status is the HTTP
// status (0 when the registry could not be reached).
type Error struct {
	Status int
	Code   int // the registry's error_code, when it gave one
	msg    string
	err    error
}

func (e *Error) Error() string { return e.msg }
func (e *Error) Unwrap() error { return e.err }

// NotFound reports whether the registry said the thing asked for does not
// exist.
func (e *Error) NotFound() bool { return e.Status == http.StatusNotFound }

// Explain words a registry client error: what was asked (what), of which
// registry, and what the answer means.
func (r *Registry) Explain(err error, what string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var re *sr.ResponseError
	if errors.As(err, &re) {
		e := &Error{Status: re.StatusCode, Code: re.ErrorCode, err: err}
		msg := re.Message
		if msg == "" {
			msg = http.StatusText(re.StatusCode)
		}
		switch re.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			e.msg = fmt.Sprintf("%s: the schema registry at %s refused the credentials (HTTP %d %s): check schema_registry.username and its password, or schema_registry.token, %s",
				what, r.url, re.StatusCode, http.StatusText(re.StatusCode), r.inProfile())
		case http.StatusNotFound:
			e.msg = fmt.Sprintf("%s: not found in the schema registry at %s (%s)", what, r.url, msg)
		default:
			e.msg = fmt.Sprintf("%s: the schema registry at %s answered HTTP %d: %s", what, r.url, re.StatusCode, msg)
		}
		return e
	}
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) {
		cause := err
		if ue != nil {
			cause = ue.Err
		}
		return &Error{err: err, msg: fmt.Sprintf("%s: cannot reach the schema registry at %s: %v (is the URL right? it is set by --registry-url, %s or schema_registry.url %s)",
			what, r.url, cause, config.EnvRegistryURL, r.inProfile())}
	}
	return fmt.Errorf("%s: schema registry at %s: %w", what, r.url, err)
}

func (r *Registry) inProfile() string {
	if r.profile == "" {
		return "in the profile"
	}
	return fmt.Sprintf("in profile %q", r.profile)
}
