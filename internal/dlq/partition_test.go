package dlq

import "testing"

// The expected hashes are those of Kafka's own UtilsTest.testMurmur2.
func TestMurmur2MatchesTheJavaClient(t *testing.T) {
	cases := map[string]int32{
		"21":                         -973932308,
		"foobar":                     -790332482,
		"a-little-bit-long-string":   -985981536,
		"a-little-bit-longer-string": -1486304829,
		"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971,
	}
	for in, want := range cases {
		if got := murmur2([]byte(in)); got != want {
			t.Errorf("murmur2(%q) = %d, want %d", in, got, want)
		}
	}
	if got := murmur2([]byte{'a', 'b', 'c'}); got != 479470107 {
		t.Errorf("murmur2(abc) = %d, want 479470107", got)
	}
}

func TestKeyPartition(t *testing.T) {
	for _, n := range []int{1, 3, 12} {
		for _, k := range []string{"order-1", "foobar", ""} {
			p := KeyPartition([]byte(k), n)
			if p < 0 || int(p) >= n {
				t.Fatalf("KeyPartition(%q, %d) = %d", k, n, p)
			}
		}
	}
	if got := KeyPartition([]byte("foobar"), 7); got != int32((-790332482&0x7fffffff)%7) {
		t.Errorf("KeyPartition(foobar, 7) = %d", got)
	}
}
