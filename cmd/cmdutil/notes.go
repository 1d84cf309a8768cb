package cmdutil

import "github.com/streamctl/streamctl/internal/reset"

// SayResetNotes prints what a reset plan means for the person running it
// (group reset, replay --to-group): warnings and hints on stderr, and the
// line left last.
func SayResetNotes(f *Factory, notes []reset.Note) {
	for _, n := range notes {
		switch n.Level {
		case reset.Warning:
			f.IO.Warnf("%s", n.Text)
		case reset.Info:
			f.IO.Infof("%s", n.Text)
		case reset.Last:
			f.SayLast("%s", n.Text)
		}
	}
}
