package admin

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/streamctl/streamctl/internal/kafka"
)

// TopicScope is a topic, or some of its partitions.
type TopicScope = kafka.TopicScope

// checkScope fails for a partition its topic does not have.
func checkScope(descs []kafka.TopicDescription, scope []TopicScope) error {
	for _, s := range scope {
		for _, d := range descs {
			if d.Name != s.Topic {
				continue
			}
			for _, p := range s.Partitions {
				if p >= int32(d.Partitions) {
					return fmt.Errorf("topic %q has no partition %d (it has %d, from 0)", d.Name, p, d.Partitions)
				}
			}
		}
	}
	return nil
}

// inScope reports whether a partition is in the scope.
func inScope(scope []TopicScope, topic string, partition int32) bool {
	for _, s := range scope {
		if s.Topic == topic && (len(s.Partitions) == 0 || slices.Contains(s.Partitions, partition)) {
			return true
		}
	}
	return false
}

// ParseTopicScope reads a topic, or some of its partitions, as TOPIC or
// TOPIC:0,2; flag names where it came from in errors.
func ParseTopicScope(flag, s string) (TopicScope, error) {
	name, parts, ok := strings.Cut(s, ":")
	ts := TopicScope{Topic: name}
	if name == "" {
		return ts, fmt.Errorf("%s %q: want a topic name, or topic:0,2", flag, s)
	}
	if ok {
		for _, p := range strings.Split(parts, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 32)
			if err != nil || n < 0 {
				return ts, fmt.Errorf("%s %q: partitions must be numbers, as in %s:0,2", flag, s, name)
			}
			ts.Partitions = append(ts.Partitions, int32(n))
		}
	}
	return ts, nil
}
