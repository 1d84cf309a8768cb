//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/streamctl/streamctl/internal/testkit"
)

// srTarget is a Kafka cluster with a schema registry beside it. Every
// schema registry case runs against both: Apicurio Registry (a real
// registry, its Confluent-compatible API, basic auth) beside the real Kafka
// broker, and the playground's in-process registry beside its broker.
type srTarget struct {
	name      string
	bootstrap string
	registry  string // the Confluent API's base URL
	user      string // basic auth, "" for none
	password  string
}

func srTargets(t *testing.T) []srTarget {
	t.Helper()
	if regEnv == nil {
		if regFail.fatal {
			t.Fatalf("the schema registry did not start: %s", regFail.reason)
		}
		t.Skipf("schema registry: %s", regFail.reason)
	}
	pg := schemaPlayground(t)
	return []srTarget{
		{name: "apicurio", bootstrap: k(t, "KAFKA_BOOTSTRAP"), registry: regEnv["REGISTRY_URL"],
			user: regEnv["REGISTRY_USER"], password: regEnv["REGISTRY_PASSWORD"]},
		{name: "playground", bootstrap: pg.bootstrap, registry: pg.registry},
	}
}

// forEach runs fn as a parallel subtest per target.
func forEachTarget(t *testing.T, fn func(t *testing.T, tg srTarget)) {
	for _, tg := range srTargets(t) {
		t.Run(tg.name, func(t *testing.T) {
			t.Parallel()
			fn(t, tg)
		})
	}
}

// user is a person whose current profile has the target's brokers and
// schema_registry block (the password from an environment variable).
func (tg srTarget) newUser(t *testing.T) *user {
	u := newUserNoBrokers(t)
	cfg := fmt.Sprintf("current_profile: sr\nprofiles:\n  sr:\n    brokers: [%s]\n    schema_registry:\n      url: %s\n", tg.bootstrap, tg.registry)
	if tg.user != "" {
		cfg += fmt.Sprintf("      username: %s\n      password_env: SR_PASSWORD\n", tg.user)
		u.setenv("SR_PASSWORD", tg.password)
	}
	u.writeFile(".config/streamctl/config.yaml", []byte(cfg), 0o600)
	return u
}

// The playground, started once for the schema tests: `streamctl
// playground` on free ports with its own config file.
type playgroundRun struct {
	once                sync.Once
	bootstrap, registry string
	err                 error
	cmd                 *exec.Cmd
}

var srPlayground playgroundRun

var playgroundLine = regexp.MustCompile(`listening on (\S+), schema registry on (\S+) `)

func schemaPlayground(t *testing.T) *playgroundRun {
	p := &srPlayground
	p.once.Do(func() {
		dir, err := os.MkdirTemp("", "streamctl-e2e-playground-")
		if err != nil {
			p.err = err
			return
		}
		p.cmd = exec.Command(binPath, "playground", "--port", "0", "--registry-port", "0", "--no-demo", "--config", filepath.Join(dir, "config.yaml"))
		out, err := p.cmd.StdoutPipe()
		if err != nil {
			p.err = err
			return
		}
		if p.err = p.cmd.Start(); p.err != nil {
			return
		}
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := playgroundLine.FindStringSubmatch(sc.Text()); m != nil {
				p.bootstrap, p.registry = m[1], m[2]
				break
			}
		}
		go func() { _, _ = io.Copy(io.Discard, out) }()
		if p.bootstrap == "" {
			p.err = fmt.Errorf("streamctl playground printed no address")
		}
	})
	if p.err != nil {
		t.Fatalf("starting the playground: %v", p.err)
	}
	return p
}

// stopSchemaPlayground ends the playground, if a test started it.
func stopSchemaPlayground() {
	if c := srPlayground.cmd; c != nil && c.Process != nil {
		_ = c.Process.Kill()
		_ = c.Wait()
	}
}

// The independent encoder and decoder: Confluent's Python serializers
// (e2e/testdata/sr_interop.py) in the venv scripts/python-interop makes.
var pyInterop struct {
	once   sync.Once
	python string
	err    string
}

func python(t *testing.T) string {
	t.Helper()
	pyInterop.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		var stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, filepath.Join(repoDir, "scripts", "python-interop"))
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			pyInterop.err = fmt.Sprintf("scripts/python-interop: %v: %s", err, stderr.String())
			return
		}
		pyInterop.python = strings.TrimSpace(string(out))
	})
	if pyInterop.err != "" {
		if envTrue("CI") {
			t.Fatal(pyInterop.err)
		}
		t.Skip(pyInterop.err)
	}
	return pyInterop.python
}

// py runs sr_interop.py against the target and returns its stdout.
func (tg srTarget) py(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args = append([]string{filepath.Join(repoDir, "e2e", "testdata", "sr_interop.py")}, args...)
	args = append(args, "--bootstrap", tg.bootstrap, "--registry", tg.registry)
	if tg.user != "" {
		args = append(args, "--user", tg.user, "--password", tg.password)
	}
	cmd := exec.CommandContext(ctx, python(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		// A stuck registry request shows only as the kill at the deadline
		// (sr_interop.py dumps its threads before that): the registry's own
		// last words say why.
		var reg string
		if tg.name == "apicurio" {
			reg = "\nlast lines of " + filepath.Join(regRunDir, "registry.log") + ":\n" + fileTail(filepath.Join(regRunDir, "registry.log"), 30)
		}
		t.Fatalf("sr_interop.py %s: %v\nstderr:\n%s%s", strings.Join(args[1:], " "), err, stderr.String(), reg)
	}
	return stdout.String()
}

// fileTail returns the last n lines of a file, or why it could not.
func fileTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func testdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoDir, "e2e", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// sameJSON compares JSON lines as multisets of values (records of several
// partitions come back in any order).
func sameJSON(t *testing.T, what string, got, want []string) {
	t.Helper()
	norm := func(ls []string) []string {
		var out []string
		for _, l := range ls {
			var v any
			if err := json.Unmarshal([]byte(l), &v); err != nil {
				t.Fatalf("%s: not JSON: %v: %s", what, err, l)
			}
			b, _ := json.Marshal(v) // sorted keys, one spelling per number
			out = append(out, string(b))
		}
		slices.Sort(out)
		return out
	}
	if g, w := norm(got), norm(want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, strings.Join(g, "\n     "), strings.Join(w, "\n     "))
	}
}

// srEnvelope is the part of consume --decode -o json these tests read.
type srEnvelope struct {
	Partition     int32           `json:"partition"`
	Offset        int64           `json:"offset"`
	Key           *string         `json:"key"`
	Value         *string         `json:"value"`
	ValueEncoding string          `json:"value_encoding"`
	ValueSchemaID *int            `json:"value_schema_id"`
	ValueDecoded  json.RawMessage `json:"value_decoded"`
}

func srEnvelopes(t *testing.T, r result) []srEnvelope {
	t.Helper()
	var out []srEnvelope
	for _, l := range lines(r.stdout) {
		var e srEnvelope
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("not an srEnvelope: %v: %s", err, l)
		}
		out = append(out, e)
	}
	return out
}

var schemaCases = []struct {
	typ, schema, input, message string
}{
	{"avro", "order.avsc", "order.avro.jsonl", ""},
	{"protobuf", "order.proto", "order.proto.jsonl", ""},
	{"json", "order.schema.json", "order.json.jsonl", ""},
}

// Records written by Confluent's Python serializers decode in streamctl to
// the JSON they were made from; records streamctl encodes decode with them
// to the JSON streamctl was given.
func TestSchemaInterop(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg srTarget) {
		for _, c := range schemaCases {
			t.Run(c.typ, func(t *testing.T) {
				t.Parallel()
				u := tg.newUser(t)
				input := testdata(t, c.input)
				schemaFile := filepath.Join(repoDir, "e2e", "testdata", c.schema)
				n := len(lines(input))

				fromPy := uniqueName(t, "py")
				u.run("topic", "create", fromPy, "--partitions", "2").ok(t)
				tg.py(t, input, "produce", "--topic", fromPy, "--type", c.typ, "--schema", schemaFile)
				r := u.run("consume", fromPy, "-e", "--decode", "-o", "json").ok(t)
				envs := srEnvelopes(t, r)
				var decoded []string
				for _, e := range envs {
					if e.ValueSchemaID == nil || e.ValueDecoded == nil || e.Value == nil {
						t.Fatalf("srEnvelope without the decoded value beside the raw one:\n%s", r)
					}
					decoded = append(decoded, string(e.ValueDecoded))
				}
				sameJSON(t, "Python's records decoded by streamctl", decoded, lines(input))

				fromUs := uniqueName(t, "streamctl")
				u.run("topic", "create", fromUs, "--partitions", "2").ok(t)
				u.runIn(input, "produce", fromUs, "--value-schema", schemaFile).ok(t)
				got := tg.py(t, "", "consume", "--topic", fromUs, "--type", c.typ, "--schema", schemaFile, "--count", fmt.Sprint(n))
				sameJSON(t, "streamctl's records decoded by Python", lines(got), lines(input))

				// The schema file went under the TopicName subject.
				r = u.run("schema", "versions", fromUs+"-value", "-o", "json").ok(t)
				var vs []struct {
					Type string `json:"type"`
				}
				r.json(t, &vs)
				if len(vs) != 1 || !strings.EqualFold(vs[0].Type, map[string]string{"avro": "AVRO", "protobuf": "PROTOBUF", "json": "JSON"}[c.typ]) {
					t.Errorf("subject %s-value: %s", fromUs, r.stdout)
				}
			})
		}
	})
}

// consume --decode -o json keeps the raw bytes: piped into produce
// --format json it copies records byte for byte, decoded fields and all.
func TestSchemaDecodedEnvelopeRoundTrips(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg srTarget) {
		u := tg.newUser(t)
		src, dst := uniqueName(t, "src"), uniqueName(t, "dst")
		u.run("topic", "create", src, "--partitions", "1").ok(t)
		u.run("topic", "create", dst, "--partitions", "1").ok(t)
		u.runIn(testdata(t, "order.avro.jsonl"), "produce", src, "--value-schema", filepath.Join(repoDir, "e2e", "testdata", "order.avsc"), "-k", "k1", "-H", "h=v").ok(t)
		dec := u.run("consume", src, "-e", "--decode", "-o", "json").ok(t)
		u.runIn(dec.stdout, "produce", dst, "--format", "json").ok(t)
		a := u.run("consume", src, "-e", "-o", "json").ok(t)
		b := u.run("consume", dst, "-e", "-o", "json").ok(t)
		if strings.ReplaceAll(a.stdout, `"topic":"`+src+`"`, "") != strings.ReplaceAll(b.stdout, `"topic":"`+dst+`"`, "") {
			t.Errorf("copy differs from the source:\n%s\n%s", a.stdout, b.stdout)
		}
		if !strings.Contains(dec.stdout, `"value_decoded":{"id":1,`) {
			t.Errorf("no decoded value:\n%s", dec)
		}
	})
}

// Bad input: each is an exit code 1 with an error that names the record
// (topic, partition, offset) or the input line, and nothing half-written.
func TestSchemaBadInput(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg srTarget) {
		u := tg.newUser(t)
		avsc := filepath.Join(repoDir, "e2e", "testdata", "order.avsc")
		topic := uniqueName(t, "")
		u.run("topic", "create", topic, "--partitions", "1").ok(t)
		good := lines(testdata(t, "order.avro.jsonl"))
		u.runIn(good[0]+"\n"+good[1]+"\n", "produce", topic, "--value-schema", avsc).ok(t)

		t.Run("record without framing", func(t *testing.T) {
			u.runIn("plain text\n", "produce", topic).ok(t)
			r := u.run("consume", topic, "-e", "--decode", "-o", "json").exit(t, 1)
			r.errContains(t, topic+"[0] offset 2", "not in the schema registry wire format", "0x70")
			// The two records before it are out, whole; nothing of it is.
			if ls := lines(r.stdout); len(ls) != 2 || !strings.HasSuffix(r.stdout, "}\n") {
				t.Errorf("want the two good records, complete:\n%s", r)
			}
		})
		t.Run("unknown schema id", func(t *testing.T) {
			other := uniqueName(t, "")
			u.run("topic", "create", other, "--partitions", "1").ok(t)
			// Magic byte, schema id 987654321, then a byte.
			u.runIn(`{"value":"ADreaLEC","value_encoding":"base64"}`+"\n", "produce", other, "--format", "json").ok(t)
			r := u.run("consume", other, "-e", "--decode").exit(t, 1)
			r.errContains(t, other+"[0] offset 0", "schema id 987654321", "not found in the schema registry at "+tg.registry)
			if r.stdout != "" {
				t.Errorf("stdout = %q", r.stdout)
			}
		})
		t.Run("registry unreachable", func(t *testing.T) {
			closed := closedPort(t)
			r := u.run("consume", topic, "-e", "--decode", "--registry-url", "http://"+closed).exit(t, 1)
			r.errContains(t, topic+"[0] offset 0", "cannot reach the schema registry at http://"+closed, "connection refused")
			if r.stdout != "" {
				t.Errorf("stdout = %q", r.stdout)
			}
		})
		t.Run("JSON that does not match the schema", func(t *testing.T) {
			other := uniqueName(t, "")
			u.run("topic", "create", other, "--partitions", "1").ok(t)
			// Line 1 is delivered before line 2 stops the run: partial, 4.
			r := u.runIn(good[0]+"\n"+`{"id":"not a number"}`+"\n"+good[1]+"\n", "produce", other, "--value-schema", avsc).exit(t, 4)
			r.errContains(t, "line 2 (topic "+other+")", "does not fit", "resume from line 2")
			r = u.runIn(good[0]+"\n"+`{"id":"not a number"}`+"\n"+good[1]+"\n", "produce", other, "--value-schema", avsc, "--skip-invalid").ok(t)
			r.errContains(t, "2 records delivered, 0 failed, 1 invalid line skipped")
			c := u.run("consume", other, "-e", "--decode", "-o", "raw").ok(t)
			if n := len(lines(c.stdout)); n != 3 { // 1 from the stopped run, 2 from the skipping one
				t.Errorf("want 3 records, got %d:\n%s", n, c)
			}
		})
		if tg.user == "" {
			return // the playground's registry has no authentication
		}
		t.Run("wrong credentials", func(t *testing.T) {
			w := tg.newUser(t)
			w.setenv("SR_PASSWORD", "wrong-password")
			var tr transcript
			r := tr.add(w.run("consume", topic, "-e", "--decode", "-v").exit(t, 1))
			r.errContains(t, topic+"[0] offset 0", "refused the credentials (HTTP 401", `in profile "sr"`)
			tr.add(w.runIn(good[0]+"\n", "produce", topic, "--value-schema", avsc, "-v").exit(t, 1)).errContains(t, "refused the credentials")
			tr.add(u.run("schema", "list", "-v").ok(t))
			tr.assertAbsent(t, tg.password)
			tr.assertAbsent(t, "wrong-password")
		})
		t.Run("TLS: verified with the profile's CA, refused without", func(t *testing.T) {
			tls := tg
			tls.registry = regEnv["REGISTRY_TLS_URL"]
			v := tls.newUser(t)
			cfg := strings.Replace(testdataOf(t, v.configPath()), "      username:", "      tls:\n        ca_file: "+regEnv["REGISTRY_CA"]+"\n      username:", 1)
			v.writeFile(".config/streamctl/config.yaml", []byte(cfg), 0o600)
			r := v.run("consume", topic, "-e", "-n", "1", "--decode", "-o", "raw").ok(t)
			if !strings.HasPrefix(r.stdout, `{"id":1,`) {
				t.Errorf("decoded over TLS:\n%s", r)
			}
			w := tls.newUser(t) // no ca_file: the system's CAs do not know the registry's
			w.run("consume", topic, "-e", "-n", "1", "--decode").exit(t, 1).errContains(t, "cannot reach the schema registry at "+tls.registry, "certificate")
		})
	})
}

func testdataOf(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func closedPort(t *testing.T) string { return testkit.ClosedPort(t) }

// The schema commands against both registries: register, list, get,
// versions, compat check (exit 3 when incompatible), config get/set,
// delete.
func TestSchemaCommands(t *testing.T) {
	forEachTarget(t, func(t *testing.T, tg srTarget) {
		u := tg.newUser(t)
		subject := uniqueName(t, "value")
		v1 := u.writeFile("v1.avsc", []byte(`{"type":"record","name":"Payment","namespace":"pay","fields":[{"name":"id","type":"long"}]}`), 0o644)
		v2 := u.writeFile("v2.avsc", []byte(`{"type":"record","name":"Payment","namespace":"pay","fields":[{"name":"id","type":"long"},{"name":"note","type":["null","string"],"default":null}]}`), 0o644)
		bad := u.writeFile("bad.avsc", []byte(`{"type":"record","name":"Payment","namespace":"pay","fields":[{"name":"id","type":"long"},{"name":"qty","type":"int"}]}`), 0o644)

		var reg struct {
			Subject string `json:"subject"`
			Version int    `json:"version"`
			ID      int    `json:"id"`
		}
		// --dry-run registers nothing
		u.run("schema", "register", subject, v1, "--dry-run").ok(t)
		u.run("schema", "versions", subject).exit(t, 1).errContains(t, "not found")
		u.run("schema", "register", subject, v1, "-o", "json").ok(t).json(t, &reg)
		if reg.Subject != subject || reg.Version != 1 || reg.ID <= 0 {
			t.Fatalf("register: %+v", reg)
		}
		var again struct {
			Version, ID int
			DryRun      bool `json:"dry_run"`
		}
		u.run("schema", "register", subject, v1, "--dry-run", "-o", "json").ok(t).json(t, &again)
		if again.Version != 1 || again.ID != reg.ID || !again.DryRun {
			t.Errorf("register --dry-run of the registered schema: %+v", again)
		}
		var lv []struct {
			Subject, Compatibility string
		}
		u.run("schema", "config", "get", subject, "-o", "json").ok(t).json(t, &lv)
		level := lv[0].Compatibility
		// Without --execute the level stays; its plan names it.
		next := "BACKWARD"
		if level == next {
			next = "FULL"
		}
		var plan struct {
			Changes []struct {
				Current string `json:"current_compatibility"`
				Level   string `json:"compatibility"`
			} `json:"changes"`
			Executed bool `json:"executed"`
		}
		u.run("schema", "config", "set", subject, "--compatibility", next, "-o", "json").ok(t).json(t, &plan)
		u.run("schema", "config", "get", subject, "-o", "json").ok(t).json(t, &lv)
		if plan.Executed || len(plan.Changes) != 1 || plan.Changes[0].Current != level || plan.Changes[0].Level != next || lv[0].Compatibility != level {
			t.Errorf("config set dry run: plan %+v, then config get %+v", plan, lv)
		}
		u.run("schema", "config", "set", subject, "--compatibility", "BACKWARD", "--execute").ok(t)
		u.run("schema", "config", "get", subject, "-o", "json").ok(t).json(t, &lv)
		if len(lv) != 1 || lv[0].Compatibility != "BACKWARD" {
			t.Errorf("config get: %+v", lv)
		}
		u.run("schema", "compat", "check", subject, v2).ok(t)
		u.run("schema", "register", subject, bad, "--dry-run").exit(t, 1).errContains(t, "the registry would refuse it")
		r := u.run("schema", "compat", "check", subject, bad, "-o", "json").exit(t, 3)
		if !strings.Contains(r.stdout, `"compatible": false`) {
			t.Errorf("compat check of an incompatible schema:\n%s", r)
		}
		u.run("schema", "register", subject, v2).ok(t)
		var versions []struct {
			Version int `json:"version"`
			ID      int `json:"id"`
		}
		u.run("schema", "versions", subject, "-o", "json").ok(t).json(t, &versions)
		if len(versions) != 2 || versions[0].ID != reg.ID {
			t.Errorf("versions: %+v", versions)
		}
		r = u.run("schema", "get", subject, "--version", "1", "--schema-only").ok(t)
		if !strings.Contains(r.stdout, `"Payment"`) || strings.Contains(r.stdout, "note") {
			t.Errorf("get --version 1:\n%s", r)
		}
		r = u.run("schema", "list", "--pattern", subject).ok(t)
		if !strings.Contains(r.stdout, subject+"\tAVRO\t2\t") {
			t.Errorf("list:\n%s", r)
		}
		u.run("schema", "get", "--id", fmt.Sprint(reg.ID), "-o", "yaml").ok(t)
		// delete: a dry run, refused off a terminal without --yes, then done
		u.run("schema", "delete", subject, "--version", "2").ok(t).errContains(t, "Dry run: nothing changed")
		u.run("schema", "delete", subject, "--version", "2", "--execute").exit(t, 2).errContains(t, "pass --yes")
		u.run("schema", "versions", subject, "-o", "json").ok(t).json(t, &versions)
		if len(versions) != 2 {
			t.Errorf("versions after a dry run and a refused delete: %+v", versions)
		}
		u.run("schema", "delete", subject, "--version", "2", "--execute", "--yes").ok(t)
		u.run("schema", "versions", subject, "-o", "json").ok(t).json(t, &versions)
		if len(versions) != 1 {
			t.Errorf("versions after deleting 2: %+v", versions)
		}
		u.run("schema", "delete", subject, "--permanent").ok(t)
		u.run("schema", "get", subject).ok(t)
		u.run("schema", "delete", subject, "--permanent", "--execute", "--yes").ok(t)
		u.run("schema", "get", subject).exit(t, 1).errContains(t, "not found")
	})
}

// One registry request per schema id per run, however many records carry
// it: counted by a proxy in front of the real registry and, in-process, in
// the cmd tests.
func TestSchemaLookupsAreCached(t *testing.T) {
	tg := srTargets(t)[0]
	target, err := url.Parse(tg.registry)
	if err != nil {
		t.Fatal(err)
	}
	var byID atomic.Int64
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: target.Scheme, Host: target.Host})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/schemas/ids/") {
			byID.Add(1)
		}
		proxy.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	u := tg.newUser(t)
	topic := uniqueName(t, "")
	u.run("topic", "create", topic, "--partitions", "3").ok(t)
	var in strings.Builder
	for i := range 500 {
		fmt.Fprintf(&in, `{"id":%d,"customer":null,"amount":1,"status":"NEW","tags":[],"lines":[],"attrs":{},"payload":"","at":0}`+"\n", i)
	}
	u.runIn(in.String(), "produce", topic, "--value-schema", filepath.Join(repoDir, "e2e", "testdata", "order.avsc")).ok(t)
	proxied := "http://" + ln.Addr().String() + target.Path
	r := u.run("consume", topic, "-e", "--decode", "-o", "raw", "--registry-url", proxied).ok(t)
	if n := len(lines(r.stdout)); n != 500 {
		t.Fatalf("decoded %d records, want 500", n)
	}
	if got := byID.Load(); got != 1 {
		t.Errorf("%d schema-by-id requests for 500 records of one schema id, want 1", got)
	}
}
