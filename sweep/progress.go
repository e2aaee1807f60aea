package sweep

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Progress shows how far a sweep is: on a terminal a bar redrawn in place
// with the rate and the time left, otherwise a plain line every Every.
type Progress struct {
	W        io.Writer
	Terminal bool          // redraw a bar in place ('\r')
	Every    time.Duration // plain lines: the interval (0: 10 s); a terminal redraws every 200 ms

	total uint64
	start time.Time
	last  time.Time
}

// NewProgress shows progress on w; isTerminal says whether w is one.
func NewProgress(w io.Writer, isTerminal bool) *Progress {
	return &Progress{W: w, Terminal: isTerminal}
}

func (p *Progress) tick() time.Duration {
	if p.Terminal {
		return 200 * time.Millisecond
	}
	if p.Every <= 0 {
		return 10 * time.Second
	}
	return p.Every
}

// Start begins a sweep of total designs at now.
func (p *Progress) Start(total uint64, now time.Time) {
	p.total, p.start, p.last = total, now, now
}

// Update shows done designs at now, if the interval has passed since the
// last time shown.
func (p *Progress) Update(done uint64, now time.Time) {
	if now.Sub(p.last) < p.tick() {
		return
	}
	p.last = now
	if p.Terminal {
		fmt.Fprintf(p.W, "\r%s\x1b[K", p.bar(done, now))
		return
	}
	fmt.Fprintf(p.W, "sweep: %d/%d designs (%.1f%%), %s, ETA %s\n", done, p.total, p.percent(done), p.rate(done, now), p.eta(done, now))
}

// Finish shows the last line: done designs in how long, and whether the
// sweep completed or stopped.
func (p *Progress) Finish(done uint64, now time.Time, completed bool) {
	how := "done"
	if !completed {
		how = "stopped"
	}
	if p.Terminal {
		fmt.Fprintf(p.W, "\r%s\x1b[K\n", p.bar(done, now))
	}
	fmt.Fprintf(p.W, "sweep: %s: %d/%d designs in %s (%s)\n", how, done, p.total, duration(now.Sub(p.start)), p.rate(done, now))
}

// bar is "[=====>    ]  45.0%  4500/10000  1234/s  ETA 0:04".
func (p *Progress) bar(done uint64, now time.Time) string {
	const width = 30
	fill := int(p.percent(done) / 100 * width)
	b := strings.Repeat("=", fill)
	if fill < width {
		b += ">" + strings.Repeat(" ", width-fill-1)
	}
	return fmt.Sprintf("[%s] %5.1f%%  %d/%d  %s  ETA %s", b, p.percent(done), done, p.total, p.rate(done, now), p.eta(done, now))
}

func (p *Progress) percent(done uint64) float64 {
	if p.total == 0 {
		return 100
	}
	return 100 * float64(min(done, p.total)) / float64(p.total)
}

// perSecond is the mean rate since the start.
func (p *Progress) perSecond(done uint64, now time.Time) float64 {
	s := now.Sub(p.start).Seconds()
	if s <= 0 {
		return 0
	}
	return float64(done) / s
}

func (p *Progress) rate(done uint64, now time.Time) string {
	return fmt.Sprintf("%.0f/s", p.perSecond(done, now))
}

func (p *Progress) eta(done uint64, now time.Time) string {
	r := p.perSecond(done, now)
	if done >= p.total {
		return "0:00"
	}
	if r <= 0 {
		return "?"
	}
	return duration(time.Duration(float64(p.total-done) / r * float64(time.Second)))
}

// duration is h:mm:ss or m:ss.
func duration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
