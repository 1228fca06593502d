// Package reports turns the stats files that stages write (fetch, filter,
// split, training metrics) into tables, plots and the pipeline funnel.
package reports
