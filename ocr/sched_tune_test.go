package ocr

import "fmt"

// tuneSchedules lists the schedules TestTuneSched replays beside the
// reference and the detector's own.
func tuneSchedules() []schedule {
	var out []schedule
	for _, me := range []float64{0, 2, 2.5} {
		for _, t := range []float64{0, 3, 4, 4.5, 5} {
			sk := map[string]float64{PassLocal: t, PassOtsu: t}
			out = append(out, schedule{name: fmt.Sprintf("min %g, skip below %g", me, t), minEvid: me, stopLine: true, skip: sk})
		}
	}
	return out
}
