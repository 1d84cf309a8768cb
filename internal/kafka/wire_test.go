package kafka

import (
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/record"
)

func TestACLNames(t *testing.T) {
	for in, want := range map[string]string{
		"read": "READ", "IdempotentWrite": "IDEMPOTENT_WRITE", "cluster-action": "CLUSTER_ACTION",
		"describe_configs": "DESCRIBE_CONFIGS", "TransactionalId": "TRANSACTIONAL_ID", " Deny ": "DENY", "ALL": "ALL",
	} {
		if got := ACLName(in); got != want {
			t.Errorf("ACLName(%q) = %q, want %q", in, got, want)
		}
	}
	if _, err := CheckACLName("resource type", "user", ACLResourceTypes); err == nil || !strings.Contains(err.Error(), "librdkafka") {
		t.Errorf("USER resources: %v", err)
	}
	for p, ok := range map[string]bool{"User:alice": true, "User:*": true, "Group:ops": true, "User:CN=x,O=y": true, "alice": false, ":alice": false, "User:": false, "Us er:a": false} {
		if err := CheckPrincipal(p); (err == nil) != ok {
			t.Errorf("CheckPrincipal(%q) = %v", p, err)
		}
	}
	// Our names and librdkafka's values map both ways, for every name.
	for _, rt := range ACLResourceTypes {
		for _, op := range ACLOperations {
			for _, pt := range ACLPatternTypes[:2] {
				a := ACL{Principal: "User:a", Host: "*", Operation: op, Permission: "DENY", ResourceType: rt, ResourceName: "n", PatternType: pt}
				b, err := a.binding()
				if err != nil || aclOf(b) != a {
					t.Errorf("%v -> %v -> %v, %v", a, b, aclOf(b), err)
				}
			}
		}
	}
}

func TestPartitionSizes(t *testing.T) {
	s := PartitionSizes{{Topic: "t", Partition: 0}: 10, {Topic: "t", Partition: 1}: 5, {Topic: "u", Partition: 0}: 1}
	if n := s.Topic("t", 2); n == nil || *n != 15 {
		t.Errorf("Topic(t) = %v, want 15", n)
	}
	if n := s.Topic("u", 2); n != nil {
		t.Errorf("a partition of u is unknown: want nil, got %d", *n)
	}
	if n := s.Partition(record.TopicPartition{Topic: "t", Partition: 7}); n != nil {
		t.Error("an unknown partition has no size")
	}
}
