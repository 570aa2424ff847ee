package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// DigitsCredit is the attribution that the license of the optdigits data
// (CC BY 4.0) requires wherever the data are shipped or shown.
const DigitsCredit = "E. Alpaydin and C. Kaynak (1998), UCI Machine Learning Repository, CC BY 4.0"

// Shape of the embedded optdigits data.
const (
	DigitsLen = 1797 // samples
	DigitsDim = 64   // 8×8 pixels, row-major
)

//go:embed optdigits/digits.csv.gz
var digitsGz []byte

var digitsOnce = sync.OnceValues(func() (*Dataset, error) {
	return parseDigits(bytes.NewReader(digitsGz))
})

// Digits returns the optdigits handwritten digits embedded in this package:
// the test partition (optdigits.tes) of "Optical Recognition of Handwritten
// Digits" by E. Alpaydin and C. Kaynak (1998), UCI Machine Learning
// Repository, licensed CC BY 4.0 (credit the authors and the repository
// wherever the data are shown; DigitsCredit holds the text).
//
// X is 1797×64: each row is an 8×8 image in row-major order with integer
// pixel values 0..16 stored as float64 (not unit norm; see Normalized and
// Scaled). Labels are the digits 0..9 and Y[i] = float64(Labels[i]).
//
// The embedded file is parsed once; every call returns a fresh copy, so
// callers may modify the result freely.
func Digits() (*Dataset, error) {
	ds, err := digitsOnce()
	if err != nil {
		return nil, err
	}
	return ds.Clone(), nil
}

// parseDigits reads the gzip-compressed, headerless CSV of optdigits: one
// line per sample, 64 integer pixels in 0..16 and a label in 0..9.
func parseDigits(r io.Reader) (*Dataset, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("data: optdigits: the embedded file is not gzip: %w", err)
	}
	defer zr.Close()
	var pix []float64
	var labels []int
	sc := bufio.NewScanner(zr)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		fields := strings.Split(text, ",")
		if len(fields) != DigitsDim+1 {
			return nil, fmt.Errorf("data: optdigits line %d: %d fields, want %d pixels and a label", line, len(fields), DigitsDim)
		}
		for k, f := range fields {
			v, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return nil, fmt.Errorf("data: optdigits line %d, field %d: %q is not an integer", line, k+1, f)
			}
			if k < DigitsDim {
				if v < 0 || v > 16 {
					return nil, fmt.Errorf("data: optdigits line %d, pixel %d = %d is outside 0..16", line, k, v)
				}
				pix = append(pix, float64(v))
				continue
			}
			if v < 0 || v > 9 {
				return nil, fmt.Errorf("data: optdigits line %d: label %d is outside 0..9", line, v)
			}
			labels = append(labels, v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("data: optdigits: reading line %d: %w", line+1, err)
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("data: optdigits: no samples")
	}
	y := make([]float64, len(labels))
	for i, l := range labels {
		y[i] = float64(l)
	}
	return &Dataset{
		Name:   "optdigits: " + DigitsCredit,
		X:      mat.NewDense(len(labels), DigitsDim, pix),
		Y:      y,
		Labels: labels,
	}, nil
}
