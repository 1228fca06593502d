// Package split turns a fetched or filtered dataset into the training dataset:
// label mapping, conflict handling, de-duplication, undersampling, stratified
// and stable train/validation/test assignment, and image normalisation.
package split
