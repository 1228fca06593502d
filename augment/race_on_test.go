//go:build race

package augment

// raceEnabled: sync.Pool drops a share of Puts under the race detector.
const raceEnabled = true
