package group

import (
	"fmt"
	"strings"
	"time"

	"github.com/guptarohit/asciigraph"

	"github.com/streamctl/streamctl/internal/output"
)

// Frame is the top of a live lag view on a terminal (group lag --watch,
// replay --follow): it clears the screen, then shows the title, the
// status with what detail says of the subject, the rates, and the lag
// trend as a chart as wide as the terminal allows (width 0: unknown).
// The caller adds its partition table below.
func Frame(title, detail string, history []Sample, st Status, width int) string {
	var b strings.Builder
	b.WriteString("\x1b[H\x1b[2J") // home and clear: a fresh frame per sample
	fmt.Fprintf(&b, "%s   %s   (Ctrl-C to stop)\n\n", title, time.Now().Format(time.TimeOnly))
	last := history[len(history)-1]
	eta := "-"
	if st.CatchUpSeconds != nil {
		eta = (time.Duration(*st.CatchUpSeconds) * time.Second).String()
	}
	fmt.Fprintf(&b, "status %-5s %s\nlag %s%s\nproduce %.1f/s   consume %.1f/s   catch up in %s\n\n",
		st.Status, st.Reason, output.Count(last.Lag, "record"), detail, st.ProduceRate, st.ConsumeRate, eta)
	if len(history) > 1 {
		series := make([]float64, len(history))
		for i, s := range history {
			series[i] = float64(s.Lag)
		}
		w := 60
		if width > 20 {
			w = min(width-12, 100)
		}
		b.WriteString(asciigraph.Plot(series, asciigraph.Height(8), asciigraph.Width(w), asciigraph.Caption("lag (records) over the last samples")))
		b.WriteString("\n\n")
	}
	return b.String()
}
