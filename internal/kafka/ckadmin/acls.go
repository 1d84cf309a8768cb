package ckadmin

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	ck "github.com/confluentinc/confluent-kafka-go/v2/kafka"
	"github.com/streamctl/streamctl/internal/kafka/answer"
)

// ACL is one access control binding, in the words kafka-acls prints.
type ACL struct {
	Principal    string `json:"principal" yaml:"principal"`         // User:alice, User:*
	Host         string `json:"host" yaml:"host"`                   // * for any
	Operation    string `json:"operation" yaml:"operation"`         // READ, WRITE, ..., ALL
	Permission   string `json:"permission" yaml:"permission"`       // ALLOW or DENY
	ResourceType string `json:"resource_type" yaml:"resource_type"` // TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID
	ResourceName string `json:"resource_name" yaml:"resource_name"` // kafka-cluster for CLUSTER
	PatternType  string `json:"pattern_type" yaml:"pattern_type"`   // LITERAL or PREFIXED
}

// ACLFilter selects ACLs as Kafka's DescribeAcls and DeleteAcls do: an
// empty field matches any value. PatternType may also be ANY (any pattern
// type, the name matched exactly) or MATCH (every ACL that applies to the
// named resource: the literal name, the wildcard * and prefixes of it).
type ACLFilter ACL

// ClusterResourceName is the one name of the CLUSTER resource.
const ClusterResourceName = "kafka-cluster"

// The names below are Kafka's (org.apache.kafka.common.acl and .resource);
// librdkafka's numbers are Kafka's wire values. librdkafka calls the CLUSTER
// resource type BROKER, and supports neither DELEGATION_TOKEN nor USER.
var (
	aclResourceTypes = []nameValue[ck.ResourceType]{
		{"TOPIC", ck.ResourceTopic}, {"GROUP", ck.ResourceGroup}, {"CLUSTER", ck.ResourceBroker},
		{"TRANSACTIONAL_ID", ck.ResourceType(5)},
	}
	aclPatternTypes = []nameValue[ck.ResourcePatternType]{
		{"LITERAL", ck.ResourcePatternTypeLiteral}, {"PREFIXED", ck.ResourcePatternTypePrefixed},
		{"MATCH", ck.ResourcePatternTypeMatch}, {"ANY", ck.ResourcePatternTypeAny},
	}
	aclOperations = []nameValue[ck.ACLOperation]{
		{"ALL", ck.ACLOperationAll}, {"READ", ck.ACLOperationRead}, {"WRITE", ck.ACLOperationWrite},
		{"CREATE", ck.ACLOperationCreate}, {"DELETE", ck.ACLOperationDelete}, {"ALTER", ck.ACLOperationAlter},
		{"DESCRIBE", ck.ACLOperationDescribe}, {"CLUSTER_ACTION", ck.ACLOperationClusterAction},
		{"DESCRIBE_CONFIGS", ck.ACLOperationDescribeConfigs}, {"ALTER_CONFIGS", ck.ACLOperationAlterConfigs},
		{"IDEMPOTENT_WRITE", ck.ACLOperationIdempotentWrite},
	}
	aclPermissions = []nameValue[ck.ACLPermissionType]{
		{"ALLOW", ck.ACLPermissionTypeAllow}, {"DENY", ck.ACLPermissionTypeDeny},
	}
)

type nameValue[T comparable] struct {
	name  string
	value T
}

func valueOf[T comparable](list []nameValue[T], name string) (T, bool) {
	for _, nv := range list {
		if nv.name == name {
			return nv.value, true
		}
	}
	var zero T
	return zero, false
}

func nameOf[T comparable](list []nameValue[T], v T) string {
	for _, nv := range list {
		if nv.value == v {
			return nv.name
		}
	}
	return fmt.Sprintf("UNKNOWN(%v)", v)
}

func namesOf[T comparable](list []nameValue[T]) []string {
	out := make([]string, len(list))
	for i, nv := range list {
		out[i] = nv.name
	}
	return out
}

// ACL vocabularies, for help texts and completion.
var (
	ACLResourceTypes = namesOf(aclResourceTypes)
	ACLOperations    = namesOf(aclOperations)
	ACLPermissions   = namesOf(aclPermissions)
	ACLPatternTypes  = namesOf(aclPatternTypes)
)

// ACLName reads a name as Kafka's tools do: any case, with - or _ between
// words, or in Kafka's CamelCase (IdempotentWrite, TransactionalId).
func ACLName(s string) string {
	var b strings.Builder
	s = strings.TrimSpace(s)
	camel := !strings.ContainsAny(s, "_- ")
	for i, r := range s {
		switch {
		case r == '-' || r == ' ':
			b.WriteByte('_')
		case camel && unicode.IsUpper(r) && i > 0 && unicode.IsLower(rune(s[i-1])):
			b.WriteByte('_')
			b.WriteRune(r)
		default:
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// CheckACLName checks a name against one of the ACL vocabularies above,
// returning it in Kafka's spelling or an error that lists the choices.
func CheckACLName(what, s string, choices []string) (string, error) {
	n := ACLName(s)
	for _, c := range choices {
		if c == n {
			return n, nil
		}
	}
	if what == "resource type" && (n == "DELEGATION_TOKEN" || n == "USER") {
		return "", fmt.Errorf("resource type %s: librdkafka cannot manage ACLs on it (choose %s)", n, strings.Join(choices, ", "))
	}
	return "", fmt.Errorf("unknown %s %q (choose %s)", what, s, strings.Join(choices, ", "))
}

// CheckPrincipal checks Kafka's TYPE:NAME form of a principal (User:alice,
// User:*, Group:ops); the broker checks the rest.
func CheckPrincipal(p string) error {
	typ, name, ok := strings.Cut(p, ":")
	if !ok || typ == "" || name == "" || strings.ContainsAny(typ, " \t") {
		return fmt.Errorf("principal %q: want TYPE:NAME, as in User:alice or User:* (Kafka names SASL and TLS users User:<name>)", p)
	}
	return nil
}

func (a ACL) binding() (ck.ACLBinding, error) {
	b := ck.ACLBinding{Name: a.ResourceName, Principal: a.Principal, Host: a.Host}
	var ok [4]bool
	b.Type, ok[0] = valueOf(aclResourceTypes, a.ResourceType)
	b.ResourcePatternType, ok[1] = valueOf(aclPatternTypes, a.PatternType)
	b.Operation, ok[2] = valueOf(aclOperations, a.Operation)
	b.PermissionType, ok[3] = valueOf(aclPermissions, a.Permission)
	for _, o := range ok {
		if !o {
			return b, fmt.Errorf("ACL %s: a name is not Kafka's (resource type, pattern type, operation, permission)", a)
		}
	}
	return b, nil
}

// filter is the librdkafka filter: empty names are ANY.
func (f ACLFilter) filter() (ck.ACLBindingFilter, error) {
	anyOf := func(s string) string {
		if s == "" {
			return "ANY"
		}
		return s
	}
	b := ck.ACLBindingFilter{Name: f.ResourceName, Principal: f.Principal, Host: f.Host,
		Type: ck.ResourceAny, Operation: ck.ACLOperationAny, PermissionType: ck.ACLPermissionTypeAny}
	var ok bool
	if f.ResourceType != "" {
		if b.Type, ok = valueOf(aclResourceTypes, f.ResourceType); !ok {
			return b, fmt.Errorf("unknown resource type %q", f.ResourceType)
		}
	}
	if b.ResourcePatternType, ok = valueOf(aclPatternTypes, anyOf(f.PatternType)); !ok {
		return b, fmt.Errorf("unknown pattern type %q", f.PatternType)
	}
	if f.Operation != "" {
		if b.Operation, ok = valueOf(aclOperations, f.Operation); !ok {
			return b, fmt.Errorf("unknown operation %q", f.Operation)
		}
	}
	if f.Permission != "" {
		if b.PermissionType, ok = valueOf(aclPermissions, f.Permission); !ok {
			return b, fmt.Errorf("unknown permission %q", f.Permission)
		}
	}
	return b, nil
}

func aclOf(b ck.ACLBinding) ACL {
	return ACL{
		Principal: b.Principal, Host: b.Host,
		Operation:    nameOf(aclOperations, b.Operation),
		Permission:   nameOf(aclPermissions, b.PermissionType),
		ResourceType: nameOf(aclResourceTypes, b.Type),
		ResourceName: b.Name,
		PatternType:  nameOf(aclPatternTypes, b.ResourcePatternType),
	}
}

func (a ACL) String() string {
	return fmt.Sprintf("%s %s %s from host %s on %s %s (%s)", a.Permission, a.Principal, a.Operation, a.Host, a.ResourceType, a.ResourceName, a.PatternType)
}

// SortACLs orders ACLs by resource, then principal, host, operation and
// permission, as kafka-acls groups them.
func SortACLs(acls []ACL) {
	sort.Slice(acls, func(i, j int) bool {
		a, b := acls[i], acls[j]
		for _, p := range [][2]string{{a.ResourceType, b.ResourceType}, {a.ResourceName, b.ResourceName}, {a.PatternType, b.PatternType},
			{a.Principal, b.Principal}, {a.Host, b.Host}, {a.Operation, b.Operation}, {a.Permission, b.Permission}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return false
	})
}

// DescribeACLs lists the ACLs that match the filter, sorted.
func (c *Admin) DescribeACLs(ctx context.Context, f ACLFilter) ([]ACL, error) {
	filter, err := f.filter()
	if err != nil {
		return nil, err
	}
	var res *ck.DescribeACLsResult
	err = c.request(ctx, "describing ACLs", func(ctx context.Context) (err error) {
		res, err = c.admin.DescribeACLs(ctx, filter)
		return err
	})
	if err != nil {
		return nil, c.aclError(err)
	}
	if res.Error.Code() != ck.ErrNoError {
		return nil, fmt.Errorf("describing ACLs: %w", c.aclError(c.brokerError(res.Error)))
	}
	out := make([]ACL, 0, len(res.ACLBindings))
	for _, b := range res.ACLBindings {
		out = append(out, aclOf(b))
	}
	SortACLs(out)
	return out, nil
}

// CreateACLs creates the ACLs; creating one that exists changes nothing.
func (c *Admin) CreateACLs(ctx context.Context, acls []ACL) error {
	if len(acls) == 0 {
		return nil
	}
	bindings := make(ck.ACLBindings, len(acls))
	for i, a := range acls {
		b, err := a.binding()
		if err != nil {
			return err
		}
		bindings[i] = b
	}
	var res []ck.CreateACLResult
	err := c.request(ctx, "creating ACLs", func(ctx context.Context) (err error) {
		res, err = c.admin.CreateACLs(ctx, bindings)
		return err
	})
	if err != nil {
		return c.aclError(err)
	}
	for i, r := range res {
		if r.Error.Code() != ck.ErrNoError {
			return fmt.Errorf("creating ACL %s: %w", acls[i], c.aclError(c.brokerError(r.Error)))
		}
	}
	return c.waitACLsListed(ctx, acls)
}

// waitACLsListed waits until DescribeAcls shows the ACLs just created. The
// broker answers CreateAcls once the controller has them; its authorizer,
// which DescribeAcls reads, takes them from the metadata log a moment
// later, so `acl create --execute && acl list` missed them now and then on
// a busy broker. topic create waits for its metadata the same way.
func (c *Admin) waitACLsListed(ctx context.Context, acls []ACL) error {
	for _, a := range acls {
		notShown := fmt.Errorf("ACL %s was created, but the broker does not list it after %s", a, c.cluster.Timeout)
		if err := answer.AwaitShown(ctx, c.cluster.Timeout, notShown, func(ctx context.Context) (bool, error) {
			found, err := c.DescribeACLs(ctx, ACLFilter(a))
			return len(found) > 0, err
		}); err != nil {
			return err
		}
	}
	return nil
}

// DeleteACLs deletes every ACL that matches the filter and returns them.
func (c *Admin) DeleteACLs(ctx context.Context, f ACLFilter) ([]ACL, error) {
	filter, err := f.filter()
	if err != nil {
		return nil, err
	}
	var res []ck.DeleteACLsResult
	err = c.request(ctx, "deleting ACLs", func(ctx context.Context) (err error) {
		res, err = c.admin.DeleteACLs(ctx, ck.ACLBindingFilters{filter})
		return err
	})
	if err != nil {
		return nil, c.aclError(err)
	}
	out := []ACL{}
	for _, r := range res {
		if r.Error.Code() != ck.ErrNoError {
			return nil, fmt.Errorf("deleting ACLs: %w", c.aclError(c.brokerError(r.Error)))
		}
		for _, b := range r.ACLBindings {
			out = append(out, aclOf(b))
		}
	}
	SortACLs(out)
	return out, nil
}

// aclError says what a broker without an authorizer means.
func (c *Admin) aclError(err error) error {
	if strings.Contains(err.Error(), "Security features are disabled") || strings.Contains(err.Error(), "No Authorizer is configured") {
		return fmt.Errorf("%w: cluster %q has no authorizer (authorizer.class.name), so it keeps no ACLs", err, c.cluster.Name())
	}
	return err
}

// IsNotAuthorized reports a broker's refusal for want of an ACL, from
// either client: librdkafka says "Broker: Topic authorization failed",
// franz-go "TOPIC_AUTHORIZATION_FAILED: Topic authorization failed.".
func IsNotAuthorized(err error) bool {
	return err != nil && strings.Contains(strings.ToLower(err.Error()), "authorization failed")
}
