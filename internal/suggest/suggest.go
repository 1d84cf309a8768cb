// Package suggest finds the names a user probably meant, for "did you mean"
// hints in errors about unknown topics, groups and profiles.
package suggest

import (
	"fmt"
	"sort"
	"strings"
)

// Closest returns up to max candidates close to name: those within a small
// edit distance, those containing it (or contained in it), and those sharing a
// prefix of four or more characters, nearest first.
func Closest(name string, candidates []string, max int) []string {
	type scored struct {
		s string
		d int
	}
	var found []scored
	lname := strings.ToLower(name)
	limit := len(name)/3 + 1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := distance(lname, lc)
		related := len(lname) >= 3 && (strings.Contains(lc, lname) || strings.Contains(lname, lc))
		if d <= limit || related || commonPrefix(lname, lc) >= 4 {
			found = append(found, scored{c, d})
		}
	}
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].d != found[j].d {
			return found[i].d < found[j].d
		}
		return found[i].s < found[j].s
	})
	var out []string
	for i := 0; i < len(found) && i < max; i++ {
		out = append(out, found[i].s)
	}
	return out
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// distance is the Levenshtein edit distance.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Hint formats suggestions as `did you mean "a" or "b"?`, or "" for none.
func Hint(s []string) string {
	if len(s) == 0 {
		return ""
	}
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = `"` + v + `"`
	}
	return "did you mean " + strings.Join(q, " or ") + "?"
}

// Among is the parenthesis a not-found message ends with: how many names
// exist and the closest to name, as in `(3 groups exist; did you mean
// "orders"?)`. one and many name the thing: "group", "groups".
func Among(name string, existing []string, one, many string) string {
	count := fmt.Sprintf("%d %s exist", len(existing), many)
	if len(existing) == 1 {
		count = "1 " + one + " exists"
	}
	if hint := Hint(Closest(name, existing, 3)); hint != "" {
		return "(" + count + "; " + hint + ")"
	}
	return "(" + count + ")"
}
