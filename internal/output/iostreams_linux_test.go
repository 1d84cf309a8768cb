// Pseudo-terminals are opened the Linux way (/dev/ptmx, TIOCSPTLCK).

package output_test

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/streamctl/streamctl/internal/output"
)

// openPTY opens a pseudo-terminal and returns its terminal end.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("ptsname: %v", err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("opening the terminal end: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: 132}); err != nil {
		t.Fatal(err)
	}
	return tty
}

// withStdout makes f the process's stdout for the test.
func withStdout(t *testing.T, f *os.File) {
	t.Helper()
	saved := os.Stdout
	os.Stdout = f
	t.Cleanup(func() { os.Stdout = saved })
}

func TestSystemTerminalRules(t *testing.T) {
	tty := openPTY(t)

	tests := []struct {
		name      string
		stdout    *os.File
		env       map[string]string
		wantTTY   bool
		wantColor bool
		wantWidth int
	}{
		{name: "terminal", stdout: tty, env: map[string]string{"TERM": "xterm"}, wantTTY: true, wantColor: true, wantWidth: 132},
		{name: "terminal with NO_COLOR", stdout: tty, env: map[string]string{"TERM": "xterm", "NO_COLOR": "1"}, wantTTY: true, wantWidth: 132},
		// no-color.org: only a non-empty NO_COLOR turns colour off.
		{name: "terminal with empty NO_COLOR", stdout: tty, env: map[string]string{"TERM": "xterm", "NO_COLOR": ""}, wantTTY: true, wantColor: true, wantWidth: 132},
		{name: "dumb terminal", stdout: tty, env: map[string]string{"TERM": "dumb"}, wantTTY: true, wantWidth: 132},
		{name: "pipe", stdout: pipe(t), env: map[string]string{"TERM": "xterm"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", "")
			os.Unsetenv("NO_COLOR")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			withStdout(t, tt.stdout)
			s := output.System()
			if s.OutTTY != tt.wantTTY || s.Color != tt.wantColor || s.Width != tt.wantWidth {
				t.Errorf("OutTTY=%v Color=%v Width=%d, want %v %v %d", s.OutTTY, s.Color, s.Width, tt.wantTTY, tt.wantColor, tt.wantWidth)
			}
		})
	}
}

func pipe(t *testing.T) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return w
}
