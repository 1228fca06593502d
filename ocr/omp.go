//go:build cgo

package ocr

// #cgo LDFLAGS: -lgomp
// int omp_get_max_active_levels(void);
// void omp_set_max_active_levels(int);
// static int curate_omp_single(void) {
//     int was = omp_get_max_active_levels();
//     if (was != 0) omp_set_max_active_levels(0);
//     return was;
// }
// static void curate_omp_restore(int was) {
//     if (omp_get_max_active_levels() != was) omp_set_max_active_levels(was);
// }
import "C"

// singleThreaded makes every OpenMP parallel region that Tesseract starts
// on the calling OS thread run with one thread, like OMP_THREAD_LIMIT=1.
//
// Why not just set OMP_THREAD_LIMIT=1: libgomp reads its environment in a
// constructor that runs when the process loads libtesseract, before any Go
// code, so os.Setenv from Go is too late. max-active-levels is an OpenMP
// internal control variable that libgomp keeps per thread once set; with 0
// no parallel region becomes active, so Tesseract's LSTM (which asks for 4
// threads per line) runs serially. The caller must hold the OS thread
// (runtime.LockOSThread) for the Tesseract calls that follow, and call the
// returned function before unlocking it: it restores the thread's setting,
// so OpenMP code that later runs on the same OS thread (oneDNN in training,
// in one `curate run` process) gets its threads; left at 0, oneDNN's
// parallel convolutions hung.
func singleThreaded() (restore func()) {
	was := C.curate_omp_single()
	return func() { C.curate_omp_restore(was) }
}
