// Package plotkit is the fixed look of kiln's plots (kiln report, kiln
// sweep): size, fonts, colours, glyph shapes, log-axis ticks, and
// rendering to PNG and SVG with the same bytes on every run.
package plotkit

import (
	"bytes"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The plots' size.
const (
	Width  = 8 * vg.Inch
	Height = 5 * vg.Inch
)

var (
	// sans is gonum's embedded Liberation Sans, named here rather than
	// taken from plot.DefaultFont so that nothing global changes the bytes.
	sans    = font.Font{Typeface: "Liberation", Variant: "Sans"}
	palette = []color.RGBA{
		{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, {R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
		{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, {R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
		{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, {R: 0x8c, G: 0x56, B: 0x4b, A: 0xff},
		{R: 0xe3, G: 0x77, B: 0xc2, A: 0xff}, {R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff},
	}
	shapes = []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{}, draw.RingGlyph{}, draw.BoxGlyph{}}
)

// Color is the i-th colour of the palette (repeating).
func Color(i int) color.Color { return palette[i%len(palette)] }

// Shape is the i-th glyph shape (repeating).
func Shape(i int) draw.GlyphDrawer { return shapes[i%len(shapes)] }

// New is a plot with the fixed fonts and a grid.
func New(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text, p.Y.Label.Text = x, y
	p.Title.TextStyle.Font = font.From(sans, 14)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 12)
		a.Tick.Label.Font = font.From(sans, 10)
	}
	p.Legend.TextStyle.Font = font.From(sans, 10)
	p.Add(plotter.NewGrid())
	return p
}

// Render adds p to files as name.png and name.svg.
func Render(p *plot.Plot, name string, files map[string][]byte) error {
	for _, format := range []string{"png", "svg"} {
		w, err := p.WriterTo(Width, Height, format)
		if err != nil {
			return fmt.Errorf("%s.%s: %w", name, format, err)
		}
		var buf bytes.Buffer
		if _, err := w.WriteTo(&buf); err != nil {
			return fmt.Errorf("%s.%s: %w", name, format, err)
		}
		files[name+"."+format] = buf.Bytes()
	}
	return nil
}

// Font is the plots' typeface at size points.
func Font(size vg.Length) font.Font { return font.From(sans, size) }

// GlyphKey is a legend entry that is a glyph alone.
type GlyphKey draw.GlyphStyle

// Thumbnail draws the glyph.
func (g GlyphKey) Thumbnail(c *draw.Canvas) { c.DrawGlyph(draw.GlyphStyle(g), c.Center()) }

// Log10Ticks labels a log10-valued axis with the values themselves.
type Log10Ticks struct{}

// Ticks are the decades between lo and hi, and 2× and 5× each decade
// when the axis spans less than three (labelled, so an axis inside one
// decade still reads).
func (Log10Ticks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	fine := hi-lo < 3
	for k := math.Floor(lo); k <= math.Ceil(hi); k++ {
		ts = append(ts, plot.Tick{Value: k, Label: label(1, k)})
		if fine {
			for _, m := range []float64{2, 5} {
				if v := k + math.Log10(m); v <= hi {
					ts = append(ts, plot.Tick{Value: v, Label: label(m, k)})
				}
			}
		}
	}
	return ts
}

// label is m·10^k as text.
func label(m, k float64) string {
	if k >= -3 && k <= 4 {
		return fmt.Sprintf("%g", m*math.Pow(10, k))
	}
	return fmt.Sprintf("%ge%d", m, int(k))
}
