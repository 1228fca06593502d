// Package ocr decides whether an image shows text, using Tesseract through
// gosseract. It owns the pool of Tesseract clients and the detection passes
// and rules; it reads images, never datasets, and never prints.
package ocr
