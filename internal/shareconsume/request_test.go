package shareconsume

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/streamctl/streamctl/internal/exitcode"
	"github.com/streamctl/streamctl/internal/kafka"
)

// The flags the broker decides for a share group are refused with it, and
// the acknowledgement flags without it; each as a usage error.
func TestRequestCheck(t *testing.T) {
	given := func(names ...string) func(string) bool {
		return func(n string) bool {
			for _, g := range names {
				if g == n {
					return true
				}
			}
			return false
		}
	}
	for _, c := range []struct {
		group, flag, want string
	}{
		{"", "release-where", "--release-where needs --share-group"},
		{"", "reject-where", "--reject-where needs --share-group"},
		{"w", "offset", "--offset does not apply to --share-group: the broker decides what each member of a share group reads (to move where the group reads: streamctl group reset w --to-earliest --all-topics --execute)"},
		{"w", "exit", "(to stop when nothing more comes: --idle-timeout 5s)"},
		{"w", "isolation", "streamctl group config set w share.isolation.level=read_committed --execute"},
		{"w", "group", "--group does not apply to --share-group"},
		{"w", "partition", "--partition does not apply to --share-group"},
	} {
		err := (&Request{Group: c.group}).Check(given(c.flag))
		if err == nil || !strings.Contains(err.Error(), c.want) || !exitcode.IsUsage(err) {
			t.Errorf("--%s with group %q: want a usage error with %q, got %v", c.flag, c.group, c.want, err)
		}
	}
	if err := (&Request{Group: "w"}).Check(given("release-where", "max-messages")); err != nil {
		t.Errorf("--release-where with a share group: %v", err)
	}
	if err := (&Request{}).Check(given("offset")); err != nil {
		t.Errorf("--offset without a share group: %v", err)
	}
}

// A reader acquires no more than -n asks for, and at most 500 at a time.
func TestRequestReaderOptions(t *testing.T) {
	r := &Request{Group: "w"}
	for limit, want := range map[int64]int32{0: 0, 3: 3, 10000: 500} {
		if got := r.ReaderOptions([]string{"t"}, limit).MaxRecords; got != want {
			t.Errorf("limit %d: MaxRecords %d, want %d", limit, got, want)
		}
	}
}

type fakeGroups struct {
	listed    []kafka.GroupListing
	typeErr   error
	configs   []kafka.ConfigEntry
	configAsk int
}

func (f *fakeGroups) ListGroups(context.Context) ([]kafka.GroupListing, error) { return f.listed, nil }
func (f *fakeGroups) CheckGroupType(context.Context, string, string) error     { return f.typeErr }
func (f *fakeGroups) GroupConfig(context.Context, string) ([]kafka.ConfigEntry, error) {
	f.configAsk++
	return f.configs, nil
}

// A group of another type is refused with the command that reads it as
// what it is; a new share group starting at the log end gets a note with
// the reset that makes it read what is there.
func TestCheckGroup(t *testing.T) {
	ctx := context.Background()
	_, err := CheckGroup(ctx, &fakeGroups{listed: []kafka.GroupListing{{ID: "g", Type: kafka.GroupConsumer}}}, "g", []string{"a", "b"})
	var gt *kafka.GroupTypeError
	if !errors.As(err, &gt) || !strings.Contains(err.Error(), "streamctl consume a b -g g -X group.protocol=consumer") {
		t.Errorf("a consumer group: %v", err)
	}
	existing := &fakeGroups{listed: []kafka.GroupListing{{ID: "g", Type: kafka.GroupShare}}}
	if note, err := CheckGroup(ctx, existing, "g", []string{"a"}); note != "" || err != nil || existing.configAsk != 0 {
		t.Errorf("an existing share group: note %q, err %v, %d config reads", note, err, existing.configAsk)
	}
	fresh := &fakeGroups{configs: []kafka.ConfigEntry{{Name: "share.auto.offset.reset"}}}
	note, err := CheckGroup(ctx, fresh, "g", []string{"a", "b"})
	if err != nil || !strings.Contains(note, "streamctl group reset g --to-earliest --topic a --topic b --execute") {
		t.Errorf("a new share group: note %q, err %v", note, err)
	}
	fresh.configs[0].Value = "earliest"
	if note, _ := CheckGroup(ctx, fresh, "g", nil); note != "" {
		t.Errorf("a new group starting at the log start got a note: %q", note)
	}
	refused := errors.New("no share groups here")
	if _, err := CheckGroup(ctx, &fakeGroups{typeErr: refused}, "g", nil); !errors.Is(err, refused) {
		t.Errorf("a cluster without share groups: %v", err)
	}
}
