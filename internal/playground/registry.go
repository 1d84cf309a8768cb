package playground

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/avro"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// DefaultRegistryPort is the schema registry's usual port.
const DefaultRegistryPort = 8081

// registry is the playground's schema registry: franz-go's in-memory
// implementation of the Confluent REST API (the one the e2e suite runs the
// same cases against as against a real registry), served on 127.0.0.1. It
// keeps schemas in memory only; the demo schemas are registered again, with
// the same ids, at every start. Compatibility is checked for Avro schemas
// only (checkCompatibility); others always pass.
type registry struct {
	fake *srfake.Registry
	ln   net.Listener
	srv  *http.Server
}

func startRegistry(port int) (*registry, error) {
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return nil, listenError("schema registry", port, "--registry-port", err)
	}
	r := &registry{fake: srfake.NewRegistry(srfake.WithGlobalCompat(sr.CompatBackward)), ln: ln}
	r.fake.Intercept(r.checkCompatibility)
	r.fake.Intercept(r.schemaByID)
	r.srv = &http.Server{Handler: r.fake.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := r.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener closed under us: Close is on its way
		}
	}()
	return r, nil
}

func (r *registry) url() string { return "http://" + r.ln.Addr().String() }

func (r *registry) close() { _ = r.srv.Close() }

// checkCompatibility answers the registry's compatibility checks for Avro
// schemas with twmb/avro's schema resolution (srfake's own answer is always
// "compatible"), so `schema compat check` on the playground says what a
// real registry would. Other schema types keep srfake's answer.
func (r *registry) checkCompatibility(w http.ResponseWriter, req *http.Request) bool {
	rest, ok := strings.CutPrefix(req.URL.Path, "/compatibility/subjects/")
	if req.Method != http.MethodPost || !ok {
		return false
	}
	subject, version, _ := strings.Cut(rest, "/versions")
	version = strings.TrimPrefix(version, "/")
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		return false
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	var candidate sr.Schema
	if json.Unmarshal(body, &candidate) != nil || candidate.Type != sr.TypeAvro {
		return false
	}
	newer, err := avro.Parse(candidate.Schema)
	if err != nil {
		return false // srfake words the error
	}
	var level struct {
		Level string `json:"compatibilityLevel"`
	}
	if !r.get("/config/"+url.PathEscape(subject)+"?defaultToGlobal=true", &level) {
		return false
	}
	var versions []int
	if !r.get("/subjects/"+url.PathEscape(subject)+"/versions", &versions) || len(versions) == 0 {
		return false
	}
	against := versions[len(versions)-1:]
	switch {
	case strings.HasSuffix(level.Level, "_TRANSITIVE"):
		against = versions
	case version != "" && version != "latest" && version != "-1":
		n, err := strconv.Atoi(version)
		if err != nil {
			return false
		}
		against = []int{n}
	}
	var msgs []string
	for _, v := range against {
		var old sr.SubjectSchema
		if !r.get(fmt.Sprintf("/subjects/%s/versions/%d", url.PathEscape(subject), v), &old) {
			return false
		}
		older, err := avro.Parse(old.Schema.Schema)
		if err != nil {
			return false
		}
		base := strings.TrimSuffix(level.Level, "_TRANSITIVE")
		if base == "BACKWARD" || base == "FULL" {
			if err := avro.CheckCompatibility(older, newer); err != nil {
				msgs = append(msgs, fmt.Sprintf("version %d: the new schema cannot read data written with it (%s): %v", v, base, err))
			}
		}
		if base == "FORWARD" || base == "FULL" {
			if err := avro.CheckCompatibility(newer, older); err != nil {
				msgs = append(msgs, fmt.Sprintf("version %d: it cannot read data written with the new schema (%s): %v", v, base, err))
			}
		}
	}
	w.Header().Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	_ = json.NewEncoder(w).Encode(map[string]any{"is_compatible": len(msgs) == 0, "messages": msgs})
	return true
}

// schemaByID answers GET /schemas/ids/{id} (and .../schema) with a subject
// parameter as Confluent's registry does: by the id, the subject naming
// only the context to look in (":.ctx:name"; a plain name is the default
// context). srfake answers 40403 unless the subject holds the id, and
// Confluent's Python deserializer sends the topic's TopicName subject with
// every lookup, so records written under another subject (produce
// --value-subject, the RecordName strategies) could not be read.
func (r *registry) schemaByID(w http.ResponseWriter, req *http.Request) bool {
	rest, ok := strings.CutPrefix(req.URL.Path, "/schemas/ids/")
	if req.Method != http.MethodGet || !ok {
		return false
	}
	if _, tail, _ := strings.Cut(rest, "/"); tail != "" && tail != "schema" {
		return false // versions and subjects of an id: there the subject filters
	}
	q := req.URL.Query()
	subject := q.Get("subject")
	if subject == "" {
		return false
	}
	q.Del("subject")
	byID := req.Clone(req.Context())
	byID.URL.RawPath = ""
	byID.URL.RawQuery = q.Encode()
	if name, ok := strings.CutPrefix(subject, ":."); ok {
		if ctx, _, found := strings.Cut(name, ":"); found {
			byID.URL.Path = "/contexts/." + ctx + req.URL.Path
		}
	}
	r.fake.Handler().ServeHTTP(w, byID)
	return true
}

// get asks the registry itself, as a client would.
func (r *registry) get(path string, into any) bool {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	rec := httptest.NewRecorder()
	r.fake.Handler().ServeHTTP(rec, req)
	return rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), into) == nil
}
