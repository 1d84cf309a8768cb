package selection

import "testing"

func TestParseOffsets(t *testing.T) {
	got, err := ParseOffsets("0:5, 1:7-9")
	if err != nil || len(got) != 2 || got[0] != (OffsetRange{0, 5, 5}) || got[1] != (OffsetRange{1, 7, 9}) {
		t.Errorf("ParseOffsets = %v, %v", got, err)
	}
	for _, bad := range []string{"5", "a:1", "0:x", "0:9-7", "-1:3", "0:1-"} {
		if _, err := ParseOffsets(bad); err == nil {
			t.Errorf("ParseOffsets(%q) did not fail", bad)
		}
	}
}
