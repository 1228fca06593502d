package ocr

import (
	"fmt"
	"maps"
	"strings"
)

// tuneSchedules lists the schedules TestTuneSched replays beside the
// reference and the detector's own: the line-evidence thresholds around
// the defaults, and pass orders with the default thresholds.
func tuneSchedules() []schedule {
	var out []schedule
	for _, me := range []float64{0, 2, 2.5} {
		for _, t := range []float64{0, 3, 4, 4.5, 5} {
			sk := map[string]float64{PassLocal: t, PassOtsu: t}
			out = append(out, schedule{name: fmt.Sprintf("min %g, skip below %g", me, t), minEvid: me, stopLine: true, skip: sk})
		}
	}
	for _, order := range [][]string{
		{PassRegions, PassLocal, PassRegionsGrey, PassOtsu, PassSteep, PassSteepDark},
		{PassRegionsGrey, PassRegions, PassLocal, PassOtsu, PassSteep, PassSteepDark},
		{PassRegions, PassRegionsGrey, PassOtsu, PassLocal, PassSteep, PassSteepDark},
		{PassRegions, PassRegionsGrey, PassLocal, PassSteep, PassSteepDark, PassOtsu},
	} {
		s := defaultSchedule
		s.skip = maps.Clone(s.skip)
		s.name, s.passes = strings.Join(order, ","), order
		out = append(out, s)
	}
	return out
}
