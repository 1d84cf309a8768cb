//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// stACL is one ACL of `acl list -o json`.
type stACL struct {
	Principal    string `json:"principal"`
	Host         string `json:"host"`
	Operation    string `json:"operation"`
	Permission   string `json:"permission"`
	ResourceType string `json:"resource_type"`
	ResourceName string `json:"resource_name"`
	PatternType  string `json:"pattern_type"`
}

func (a stACL) String() string {
	return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s", a.ResourceType, a.ResourceName, a.PatternType, a.Principal, a.Host, a.Operation, a.Permission)
}

// aclStrings sorts ACLs as strings, for comparing sets.
func aclStrings(acls []stACL) []string {
	out := make([]string, len(acls))
	for i, a := range acls {
		out[i] = a.String()
	}
	sort.Strings(out)
	return out
}

// oracleACLs runs kafka-acls --list with the given filter flags and reads
//
//	Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=t, patternType=LITERAL)`:
//		(principal=User:alice, host=*, operation=READ, permissionType=DENY)
func oracleACLs(t testing.TB, args ...string) []stACL {
	t.Helper()
	out := kafkaTool(t, "acls", append([]string{"--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--list"}, args...)...)
	var acls []stACL
	var res stACL
	for _, l := range lines(out) {
		l = strings.TrimSpace(l)
		if rest, ok := strings.CutPrefix(l, "Current ACLs for resource `ResourcePattern("); ok {
			f := commaFields(strings.TrimSuffix(rest, ")`:"))
			res = stACL{ResourceType: f["resourceType"], ResourceName: f["name"], PatternType: f["patternType"]}
			continue
		}
		if strings.HasPrefix(l, "(principal=") {
			f := commaFields(strings.Trim(l, "()"))
			a := res
			a.Principal, a.Host, a.Operation, a.Permission = f["principal"], f["host"], f["operation"], f["permissionType"]
			acls = append(acls, a)
		}
	}
	return acls
}

// commaFields reads "a=1, b=2".
func commaFields(s string) map[string]string {
	m := map[string]string{}
	for _, p := range strings.Split(s, ", ") {
		if k, v, ok := strings.Cut(p, "="); ok {
			m[k] = v
		}
	}
	return m
}

// ACLs are enforced as streamctl writes them, and read back as
// kafka-acls reads them: alice (SCRAM, subject to ACLs) reads a topic
// until a DENY for her appears, and again once it is deleted; LITERAL,
// PREFIXED and MATCH list what kafka-acls lists; bad input is refused
// before the broker, with kafka-acls refusing the same.
func TestACLs(t *testing.T) {
	t.Parallel()
	admin := newUser(t) // PLAINTEXT: ANONYMOUS, a super user
	topic := uniqueName(t, "")
	prefix := topic + "-p."
	admin.run("topic", "create", topic).ok(t)
	admin.runIn("one\n", "produce", topic).ok(t)

	alice := newUserNoBrokers(t)
	alice.setenv("E2E_ALICE_PASSWORD", k(t, "KAFKA_SCRAM256_PASSWORD"))
	alice.run("profile", "create", "alice", "--brokers", k(t, "KAFKA_SASL_BOOTSTRAP"), "--sasl-mechanism", "SCRAM-SHA-256",
		"--username", k(t, "KAFKA_SCRAM256_USER"), "--password-env", "E2E_ALICE_PASSWORD").ok(t)
	aliceReads := func() result { return alice.run("consume", topic, "-e", "-o", "raw") }
	if r := aliceReads().ok(t); strings.TrimSpace(r.stdout) != "one" {
		t.Fatalf("without ACLs alice reads the record:\n%s", r)
	}

	deny := []string{"--principal", "User:alice", "--permission", "deny", "--operation", "read", "--topic", topic}
	// The dry run lists the ACL and creates nothing.
	r := admin.run(append([]string{"acl", "create", "-o", "json"}, deny...)...).ok(t)
	var plan struct {
		ACLs     []stACL `json:"acls"`
		Executed bool    `json:"executed"`
	}
	r.json(t, &plan)
	want := stACL{Principal: "User:alice", Host: "*", Operation: "READ", Permission: "DENY", ResourceType: "TOPIC", ResourceName: topic, PatternType: "LITERAL"}
	if plan.Executed || len(plan.ACLs) != 1 || plan.ACLs[0] != want {
		t.Fatalf("dry run plan %+v, want %v not executed", plan, want)
	}
	if got := oracleACLs(t, "--topic", topic); len(got) != 0 {
		t.Fatalf("the dry run created ACLs: %v", got)
	}
	admin.run(append([]string{"acl", "create", "--execute"}, deny...)...).ok(t)
	prefixed := []string{"--principal", "User:bob", "--principal", "User:alice", "--operation", "describe,write", "--topic", prefix, "--pattern-type", "prefixed", "--execute"}
	admin.run(append([]string{"acl", "create"}, prefixed...)...).ok(t)

	eventually(t, 30*time.Second, func() (bool, string) {
		r := aliceReads()
		return r.code == 1 && strings.Contains(strings.ToLower(r.stderr), "authorization failed"), r.String()
	})

	// Listing, three ways, against kafka-acls on the same state.
	for _, filter := range [][]string{
		{"--topic", topic},
		{"--topic", prefix}, // literal by default: not the prefix ACLs
		{"--topic", prefix, "--pattern-type", "prefixed"},
		{"--topic", prefix + "x", "--pattern-type", "match"},
		{"--topic", prefix + "x", "--pattern-type", "literal"},
		{"--principal", "User:bob"},
	} {
		var got []stACL
		admin.run(append([]string{"acl", "list", "-o", "json"}, filter...)...).ok(t).json(t, &got)
		oracleArgs := slices.Clone(filter)
		for i, a := range oracleArgs {
			if a == "--pattern-type" {
				oracleArgs[i] = "--resource-pattern-type"
			}
		}
		// kafka-acls --list --principal lists across every resource: keep
		// this test's, as other tests may hold ACLs for bob too.
		oracle := slices.DeleteFunc(oracleACLs(t, oracleArgs...), func(a stACL) bool { return !strings.HasPrefix(a.ResourceName, topic) })
		got = slices.DeleteFunc(got, func(a stACL) bool { return !strings.HasPrefix(a.ResourceName, topic) })
		if !slices.Equal(aclStrings(got), aclStrings(oracle)) {
			t.Errorf("acl list %v:\n  streamctl %v\n  kafka-acls %v", filter, aclStrings(got), aclStrings(oracle))
		}
	}
	var matched []stACL
	admin.run("acl", "list", "--topic", prefix+"x", "--pattern-type", "match", "-o", "json").ok(t).json(t, &matched)
	if len(matched) != 4 {
		t.Errorf("MATCH on %sx: want the 4 prefixed ACLs, got %v", prefix, aclStrings(matched))
	}

	// Creating an ACL that exists changes nothing and says so.
	r = admin.run(append([]string{"acl", "create"}, deny...)...).ok(t)
	if !strings.Contains(r.stdout, "exists") {
		t.Errorf("create of an existing ACL should mark it as existing:\n%s", r)
	}

	// delete shows what matches, and needs --yes in a script.
	r = admin.run("acl", "delete", "--topic", topic, "--principal", "User:alice").ok(t)
	if !strings.Contains(r.stdout, "would delete") || !strings.Contains(r.stdout, "DENY") {
		t.Errorf("delete dry run should list the DENY:\n%s", r)
	}
	admin.run("acl", "delete", "--topic", topic, "--principal", "User:alice", "--execute").exit(t, 2).errContains(t, "--yes")
	var deleted struct {
		ACLs     []stACL `json:"acls"`
		Executed bool    `json:"executed"`
	}
	admin.run("acl", "delete", "--topic", topic, "--principal", "User:alice", "--execute", "--yes", "-o", "json").ok(t).json(t, &deleted)
	if !deleted.Executed || len(deleted.ACLs) != 1 || deleted.ACLs[0] != want {
		t.Errorf("deleted %+v, want the one DENY", deleted)
	}
	eventually(t, 30*time.Second, func() (bool, string) {
		r := aliceReads()
		return r.code == 0 && strings.TrimSpace(r.stdout) == "one", r.String()
	})
	admin.run("acl", "delete", "--topic", prefix, "--pattern-type", "prefixed", "--execute", "--yes").ok(t)
	if got := oracleACLs(t, "--topic", prefix, "--resource-pattern-type", "any"); len(got) != 0 {
		t.Errorf("ACLs left after delete: %v", got)
	}

	// Bad input: usage errors (2) before any request; kafka-acls refuses
	// the same operation on the same resource type.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"acl", "create", "--principal", "alice", "--operation", "read", "--topic", topic}, "TYPE:NAME"},
		{[]string{"acl", "create", "--principal", "User:alice", "--operation", "fly", "--topic", topic}, `unknown operation "fly"`},
		{[]string{"acl", "create", "--principal", "User:alice", "--operation", "write", "--group", topic}, "does not apply to a GROUP"},
		{[]string{"acl", "create", "--principal", "User:alice", "--operation", "read"}, "name the resource"},
		{[]string{"acl", "create", "--principal", "User:alice", "--operation", "read", "--topic", ""}, "--topic needs a name"},
		{[]string{"acl", "list", "--pattern-type", "fuzzy"}, `unknown pattern type "fuzzy"`},
		{[]string{"acl", "create", "--principal", "User:alice", "--operation", "read", "--topic", topic, "--pattern-type", "match"}, "for matching"},
		{[]string{"acl", "delete", "--principal", "User:alice"}, "name the resource"},
	} {
		admin.run(c.args...).exit(t, 2).errContains(t, c.want)
	}
	out, errOut, code := kafkaToolCode(t, "acls", "--bootstrap-server", k(t, "KAFKA_BOOTSTRAP"), "--add", "--allow-principal", "User:alice", "--operation", "Write", "--group", topic)
	if code == 0 || !strings.Contains(out+errOut, "only supports operations") {
		t.Errorf("kafka-acls on WRITE for a group, which streamctl refuses: exit %d\n%s%s", code, out, errOut)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every way to authenticate reaches the ACL and SCRAM APIs and the
// requests that go through franz-go (topic sizes, log dirs, the cluster
// default configs, the brokers' versions): each profile of the auth matrix,
// every variant of where its secret comes from included, lists ACLs and
// users, sees topic sizes and log dirs, reads the cluster default configs
// and the brokers' API versions; its secret appears in no output.
func TestAdminAuthMatrix(t *testing.T) {
	t.Parallel()
	admin := newUser(t)
	topic := uniqueName(t, "")
	admin.run("topic", "create", topic, "--partitions", "2").ok(t)
	admin.runIn("a\nb\nc\n", "produce", topic).ok(t)
	// On a group: an ACL on the topic would lock alice, bob and the mTLS
	// user out of it (allow.everyone.if.no.acl.found no longer applies).
	group := topic + "-group"
	admin.run("acl", "create", "--principal", "User:nobody", "--operation", "read", "--group", group, "--execute").ok(t)
	t.Cleanup(func() { admin.run("acl", "delete", "--group", group, "--execute", "--yes") })

	profiles := authProfiles(t)
	// The inline PEM twin of tls-ca-file: -X ssl.ca.pem carries the CA.
	profiles = append(profiles, authProfile{name: "tls-inline-ca-pem", listener: "KAFKA_SSL_BOOTSTRAP",
		create: func(t *testing.T, u *user, name string) {
			pem := readFile(t, k(t, "KAFKA_SSL_CA"))
			u.run("profile", "create", name, "--brokers", k(t, "KAFKA_SSL_BOOTSTRAP"), "--tls", "--set", "ssl.ca.pem="+pem).ok(t)
		}})
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			u := newUserNoBrokers(t)
			p.create(t, u, p.name)
			var tr transcript
			run := func(args ...string) result {
				t.Helper()
				return tr.add(u.run(append(args, "--profile", p.name)...)).ok(t)
			}
			var acls []stACL
			run("acl", "list", "--group", group, "-o", "json").json(t, &acls)
			if len(acls) != 1 || acls[0].Principal != "User:nobody" {
				t.Errorf("acl list: %v", acls)
			}
			var users []struct {
				User string `json:"user"`
			}
			run("user", "list", "-o", "json").json(t, &users)
			if !slices.ContainsFunc(users, func(x struct {
				User string `json:"user"`
			}) bool {
				return x.User == "bob"
			}) {
				t.Errorf("user list lacks bob: %v", users)
			}
			r := run("topic", "describe", topic, "-o", "json")
			if strings.Contains(r.stdout, `"size_bytes": null`) || strings.Contains(r.stderr, "sizes unknown") {
				t.Errorf("topic describe has no sizes over %s:\n%s", p.name, r)
			}
			r = run("cluster", "describe", "-o", "json")
			if !strings.Contains(r.stdout, `"log_dirs"`) || r.stderr != "" {
				t.Errorf("cluster describe has no log dirs over %s:\n%s", p.name, r)
			}
			r = run("cluster", "config", "get", "-o", "json")
			if !strings.Contains(r.stdout, "min.insync.replicas") {
				t.Errorf("cluster config get: the bootstrap default min.insync.replicas is missing:\n%s", r)
			}
			r = run("version", "--cluster", "-o", "json")
			if !strings.Contains(r.stdout, `"kafka_version": "v`) || strings.Contains(r.stdout, `"error"`) {
				t.Errorf("version --cluster over %s:\n%s", p.name, r)
			}
			if p.secret != "" {
				tr.assertAbsent(t, p.secret)
			}
		})
	}
}
