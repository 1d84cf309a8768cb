package playground

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The embedded broker (kfake) creates topics with any name and takes any
// config value, where Kafka refuses "bad name!" or retention.ms=abc: what
// works on the playground would then fail on a real cluster. validate
// answers topic creations and topic config changes the way Kafka 4.3 does
// (its names, types, ranges and messages, checked against a real broker in
// e2e), and leaves valid requests to kfake.
func validate(c *kfake.Cluster) {
	c.ControlKey(int16(kmsg.CreateTopics), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		return createTopics(req.(*kmsg.CreateTopicsRequest))
	})
	c.ControlKey(int16(kmsg.IncrementalAlterConfigs), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		return incrementalAlterConfigs(req.(*kmsg.IncrementalAlterConfigsRequest))
	})
	c.ControlKey(int16(kmsg.AlterConfigs), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		return alterConfigs(req.(*kmsg.AlterConfigsRequest))
	})
}

// A request that names one invalid topic or config is answered as a whole:
// the invalid ones with Kafka's error, the others as not done, since kfake
// cannot be handed part of a request. Kafka itself would do the valid ones.
var notDone = "not done: another entry of the same request is invalid (the playground validates a request as a whole)"

func createTopics(req *kmsg.CreateTopicsRequest) (kmsg.Response, error, bool) {
	errs := make([]*kerr.Error, len(req.Topics))
	msgs := make([]string, len(req.Topics))
	bad := false
	for i, t := range req.Topics {
		if msg := topicNameProblem(t.Topic); msg != "" {
			errs[i], msgs[i] = kerr.InvalidTopicException, msg
		} else {
			for _, cfg := range t.Configs {
				if msg := topicConfigProblem(cfg.Name, cfg.Value); msg != "" {
					errs[i], msgs[i] = kerr.InvalidConfig, msg
					break
				}
			}
		}
		bad = bad || errs[i] != nil
	}
	if !bad {
		return nil, nil, false
	}
	resp := req.ResponseKind().(*kmsg.CreateTopicsResponse)
	for i, t := range req.Topics {
		rt := kmsg.NewCreateTopicsResponseTopic()
		rt.Topic, rt.NumPartitions, rt.ReplicationFactor = t.Topic, -1, -1
		rt.ErrorCode, rt.ErrorMessage = kerr.InvalidRequest.Code, kmsg.StringPtr(notDone)
		if errs[i] != nil {
			rt.ErrorCode, rt.ErrorMessage = errs[i].Code, kmsg.StringPtr(msgs[i])
		}
		resp.Topics = append(resp.Topics, rt)
	}
	return resp, nil, true
}

func incrementalAlterConfigs(req *kmsg.IncrementalAlterConfigsRequest) (kmsg.Response, error, bool) {
	set := make([][]setting, len(req.Resources))
	for i, r := range req.Resources {
		for _, cfg := range r.Configs {
			// Kafka takes any name to delete, even an unknown one.
			if cfg.Op != kmsg.IncrementalAlterConfigOpDelete {
				set[i] = append(set[i], setting{r.ResourceType, cfg.Name, cfg.Value})
			}
		}
	}
	msgs, bad := configProblems(set)
	if !bad {
		return nil, nil, false
	}
	resp := req.ResponseKind().(*kmsg.IncrementalAlterConfigsResponse)
	for i, r := range req.Resources {
		rr := kmsg.NewIncrementalAlterConfigsResponseResource()
		rr.ResourceType, rr.ResourceName = r.ResourceType, r.ResourceName
		rr.ErrorCode, rr.ErrorMessage = answer(r.ResourceType, msgs[i])
		resp.Resources = append(resp.Resources, rr)
	}
	return resp, nil, true
}

func alterConfigs(req *kmsg.AlterConfigsRequest) (kmsg.Response, error, bool) {
	set := make([][]setting, len(req.Resources))
	for i, r := range req.Resources {
		for _, cfg := range r.Configs {
			set[i] = append(set[i], setting{r.ResourceType, cfg.Name, cfg.Value})
		}
	}
	msgs, bad := configProblems(set)
	if !bad {
		return nil, nil, false
	}
	resp := req.ResponseKind().(*kmsg.AlterConfigsResponse)
	for i, r := range req.Resources {
		rr := kmsg.NewAlterConfigsResponseResource()
		rr.ResourceType, rr.ResourceName = r.ResourceType, r.ResourceName
		rr.ErrorCode, rr.ErrorMessage = answer(r.ResourceType, msgs[i])
		resp.Resources = append(resp.Resources, rr)
	}
	return resp, nil, true
}

// setting is a topic or broker config a request sets.
type setting struct {
	resource kmsg.ConfigResourceType
	name     string
	value    *string
}

// problem is Kafka's message for the setting, "" when it is valid or
// left to kfake (configs of other resources, broker configs not typed
// here).
func (s setting) problem() string {
	switch s.resource {
	case kmsg.ConfigResourceTypeTopic:
		return topicConfigProblem(s.name, s.value)
	case kmsg.ConfigResourceTypeBroker:
		if bc, ok := brokerConfigs[s.name]; ok && s.value != nil {
			return configValueProblem(bc, s.name, *s.value)
		}
	}
	return ""
}

// configProblems returns each resource's first bad setting's message (""
// for none) and whether there is any.
func configProblems(resources [][]setting) ([]string, bool) {
	msgs := make([]string, len(resources))
	bad := false
	for i, settings := range resources {
		for _, st := range settings {
			if msgs[i] = st.problem(); msgs[i] != "" {
				bad = true
				break
			}
		}
	}
	return msgs, bad
}

// answer is a config resource's error: its own problem, or not done
// because of another resource's.
func answer(resource kmsg.ConfigResourceType, problem string) (int16, *string) {
	switch {
	case problem != "" && resource == kmsg.ConfigResourceTypeBroker:
		return kerr.InvalidRequest.Code, kmsg.StringPtr(problem) // Kafka's code for broker configs
	case problem != "":
		return kerr.InvalidConfig.Code, kmsg.StringPtr(problem)
	}
	return kerr.InvalidRequest.Code, kmsg.StringPtr(notDone)
}

// topicNameProblem is Kafka's message for a name it refuses, "" for a
// legal one: ASCII letters, digits, '.', '_' and '-', at most 249 of them,
// and not "." or "..".
func topicNameProblem(name string) string {
	switch {
	case name == "":
		return "Topic name is invalid: the empty string is not allowed"
	case name == "." || name == "..":
		return fmt.Sprintf("Topic name is invalid: '%s' is not allowed", name)
	case len(name) > 249:
		return fmt.Sprintf("Topic name is invalid: the length of '%s' is longer than the max allowed length 249", name)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Sprintf("Topic name is invalid: '%s' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'", name)
		}
	}
	return ""
}

// topicConfig is how Kafka types and bounds one topic config.
type topicConfig struct {
	kind     string // LONG, INT, DOUBLE, BOOLEAN, STRING, LIST, REPLICAS
	min, max float64
	oneOf    []string // STRING: the value, LIST: each item
	gzip     bool     // compression.gzip.level: 1-9 or -1
}

const none = math.MaxFloat64 // no bound

func long(min float64) topicConfig    { return topicConfig{kind: "LONG", min: min, max: none} }
func integer(min float64) topicConfig { return topicConfig{kind: "INT", min: min, max: none} }

// topicConfigs are the topic configs of Kafka 4.3 (what a real broker's
// DescribeConfigs lists for a topic), plus kfake's own.
var topicConfigs = map[string]topicConfig{
	"cleanup.policy":                          {kind: "LIST", oneOf: []string{"compact", "delete"}},
	"compression.gzip.level":                  {kind: "INT", gzip: true},
	"compression.lz4.level":                   {kind: "INT", min: 1, max: 17},
	"compression.type":                        {kind: "STRING", oneOf: []string{"uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"}},
	"compression.zstd.level":                  {kind: "INT", min: -131072, max: 22},
	"delete.retention.ms":                     long(0),
	"file.delete.delay.ms":                    long(0),
	"flush.messages":                          long(1),
	"flush.ms":                                long(0),
	"follower.replication.throttled.replicas": {kind: "REPLICAS"},
	"index.interval.bytes":                    integer(0),
	"leader.replication.throttled.replicas":   {kind: "REPLICAS"},
	"local.retention.bytes":                   long(-2),
	"local.retention.ms":                      long(-2),
	"max.compaction.lag.ms":                   long(1),
	"max.message.bytes":                       integer(0),
	"message.timestamp.after.max.ms":          long(0),
	"message.timestamp.before.max.ms":         long(0),
	"message.timestamp.type":                  {kind: "STRING", oneOf: []string{"CreateTime", "LogAppendTime"}},
	"min.cleanable.dirty.ratio":               {kind: "DOUBLE", min: 0, max: 1},
	"min.compaction.lag.ms":                   long(0),
	"min.insync.replicas":                     integer(1),
	"preallocate":                             {kind: "BOOLEAN"},
	"remote.log.copy.disable":                 {kind: "BOOLEAN"},
	"remote.log.delete.on.disable":            {kind: "BOOLEAN"},
	"remote.storage.enable":                   {kind: "BOOLEAN"},
	"retention.bytes":                         {kind: "LONG", min: -none, max: none},
	"retention.ms":                            long(-1),
	"segment.bytes":                           integer(1 << 20),
	"segment.index.bytes":                     integer(4),
	"segment.jitter.ms":                       long(0),
	"segment.ms":                              long(1),
	"unclean.leader.election.enable":          {kind: "BOOLEAN"},
	"kfake.is_internal":                       {kind: "BOOLEAN"},
}

// topicConfigProblem is Kafka's message for a topic config it refuses, ""
// for a valid one; a nil value (a deletion, a default) needs only a known
// name.
func topicConfigProblem(name string, value *string) string {
	tc, ok := topicConfigs[name]
	if !ok {
		return "Unknown topic config name: " + name
	}
	if value == nil {
		return ""
	}
	return configValueProblem(tc, name, *value)
}

// brokerConfigs types the broker configs that `cluster config set` changes
// most (dynamic cluster-wide defaults), so that a value Kafka refuses is
// refused with Kafka's words rather than kfake's INVALID_REQUEST.
var brokerConfigs = map[string]topicConfig{
	"log.retention.ms":               long(-1),
	"log.retention.bytes":            {kind: "LONG", min: -none, max: none},
	"log.retention.hours":            integer(-none),
	"log.retention.minutes":          integer(-none),
	"log.roll.ms":                    long(1),
	"log.segment.bytes":              integer(14),
	"log.cleaner.threads":            integer(0),
	"message.max.bytes":              integer(0),
	"min.insync.replicas":            integer(1),
	"default.replication.factor":     integer(-none),
	"num.partitions":                 integer(1),
	"compression.type":               topicConfigs["compression.type"],
	"log.message.timestamp.type":     topicConfigs["message.timestamp.type"],
	"unclean.leader.election.enable": {kind: "BOOLEAN"},
}

// configValueProblem is Kafka's message for a value of config name that
// does not fit tc, "" for one that does.
func configValueProblem(tc topicConfig, name, value string) string {
	v := strings.TrimSpace(value)
	invalid := func(shown, why string) string {
		return fmt.Sprintf("Invalid value %s for configuration %s: %s", shown, name, why)
	}
	switch tc.kind {
	case "BOOLEAN":
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return invalid(v, "Expected value to be either true or false")
		}
	case "STRING":
		if !slices.Contains(tc.oneOf, v) {
			return invalid(v, "String must be one of: "+strings.Join(tc.oneOf, ", "))
		}
	case "LIST":
		for _, item := range splitList(v) {
			if !slices.Contains(tc.oneOf, item) {
				return invalid(item, "String must be one of: "+strings.Join(tc.oneOf, ", "))
			}
		}
	case "REPLICAS":
		if v == "*" {
			break
		}
		for _, item := range splitList(v) {
			p, b, _ := strings.Cut(item, ":")
			_, perr := strconv.ParseInt(p, 10, 32)
			_, berr := strconv.ParseInt(b, 10, 32)
			if perr != nil || berr != nil {
				return invalid("["+strings.Join(splitList(v), ", ")+"]", name+" must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...")
			}
		}
	case "LONG", "INT", "DOUBLE":
		var n float64
		shown := v
		switch tc.kind {
		case "LONG", "INT":
			bits := 64
			if tc.kind == "INT" {
				bits = 32
			}
			i, err := strconv.ParseInt(v, 10, bits)
			if err != nil {
				return invalid(v, "Not a number of type "+tc.kind)
			}
			n, shown = float64(i), strconv.FormatInt(i, 10)
		case "DOUBLE":
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return invalid(v, "Not a number of type DOUBLE")
			}
			n, shown = f, javaDouble(f)
		}
		switch {
		case tc.gzip && !(n == -1 || n >= 1 && n <= 9):
			return invalid(shown, "Value must be between 1 and 9 or equal to -1")
		case tc.gzip:
		case n < tc.min:
			return invalid(shown, "Value must be at least "+strconv.FormatFloat(tc.min, 'f', -1, 64))
		case n > tc.max:
			return invalid(shown, "Value must be no more than "+strconv.FormatFloat(tc.max, 'f', -1, 64))
		}
	}
	return ""
}

// javaDouble writes f as Java's Double.toString does for plain numbers:
// "2.0", not "2".
func javaDouble(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eEIN") {
		s += ".0"
	}
	return s
}

// splitList splits a list config as Kafka does: at commas, trimmed, an
// empty value being the empty list.
func splitList(v string) []string {
	if v == "" {
		return nil
	}
	items := strings.Split(v, ",")
	for i := range items {
		items[i] = strings.TrimSpace(items[i])
	}
	return items
}
